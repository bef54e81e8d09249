import { Injectable, OnModuleInit } from '@nestjs/common';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { SeedContext, SeedRegistry } from '../sandboxes/seed-registry';
import { ContentStore } from '../uploads/content-store';
import { analyzeImage } from '../uploads/image-analysis';

interface SeededPhoto {
  key: string;
  album: string;
  file: string;
  description: string;
  by: string;
  color: string;
  private?: boolean;
  /** Days before the seeding day it was taken. */
  daysAgo: number;
}

const ALBUMS = [
  { key: 'foundations', name: 'Foundations' },
  { key: 'deck', name: 'Level 2 deck' },
];

const PHOTOS: SeededPhoto[] = [
  { key: 'footing', album: 'foundations', file: 'IMG_0201.jpg', description: 'Footing F4 rebar before inspection', by: 'superintendent', color: '#8a7f70', daysAgo: 9 },
  { key: 'pour', album: 'foundations', file: 'IMG_0233.jpg', description: 'Grade beam pour, north side', by: 'superintendent', color: '#9c9a94', daysAgo: 6 },
  { key: 'deck', album: 'deck', file: 'IMG_0412.jpg', description: 'East bay deck before the pour', by: 'gc_project_manager', color: '#5f7d8c', daysAgo: 2 },
  { key: 'damage', album: 'deck', file: 'IMG_0419.jpg', description: 'Damaged shoring post — for the owner walk', by: 'superintendent', color: '#a35d4a', daysAgo: 1, private: true },
];

/** The site (Riverside Medical Office Building) where the seeded photos were "taken": EXIF GPS in degrees, minutes, seconds. */
const SITE = { lat: '40/1 26/1 4632/100', lon: '79/1 58/1 3600/100' };

/** EXIF time as the camera writes it: `YYYY:MM:DD hh:mm:ss`. */
const exifTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');

/**
 * The training photos: two albums with real JPEGs generated at seed time
 * (with EXIF capture time and GPS), processed in the seeding transaction like
 * the pipeline would (facts and thumbnail), one of them private; their files
 * are stored as uploads' are.
 */
@Injectable()
export class PhotosSeed implements OnModuleInit {
  constructor(
    private readonly registry: SeedRegistry,
    private readonly content: ContentStore,
  ) {}

  onModuleInit(): void {
    this.registry.register({ name: 'photos', order: 40, templates: ['training'], run: (ctx) => this.seed(ctx) });
  }

  private async seed(ctx: SeedContext): Promise<void> {
    const m = ctx.manager;
    const company_id = ctx.companyId;
    const project_id = ctx.idOf('projects', 'first');
    for (const [position, a] of ALBUMS.entries()) {
      await ctx.insertRow('image_categories', 'image_categories', a.key, { company_id, project_id, name: a.name, position: position + 1, created_by_id: ctx.idOf('personas', 'superintendent') });
    }
    for (const p of PHOTOS) {
      const taken = new Date(ctx.now.getTime() - p.daysAgo * 86_400_000);
      const content = await sharp({ create: { width: 1200, height: 900, channels: 3, background: p.color } })
        .jpeg({ quality: 70 })
        .withExif({ IFD0: { Make: 'Sitesim', Model: 'Site camera' }, IFD2: { DateTimeOriginal: exifTime(taken) }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: SITE.lat, GPSLongitudeRef: 'W', GPSLongitude: SITE.lon } })
        .toBuffer();
      const facts = await analyzeImage(content);
      const file = await this.content.receive(Readable.from([content]));
      const by = ctx.idOf('personas', p.by);
      const uploadId = await ctx.insertRow('uploads', 'photo_uploads', p.key, {
        company_id,
        project_id,
        uploaded_by_id: by,
        kind: 'photo',
        file_name: p.file,
        content_type: 'image/jpeg',
        size_bytes: file.size,
        sha256: file.sha256,
        processing_status: 'ready',
        processed_at: ctx.now,
        image_width: facts.width,
        image_height: facts.height,
        image_orientation: facts.orientation,
        taken_at: facts.takenAt,
        latitude: facts.latitude,
        longitude: facts.longitude,
      });
      this.content.placeWhenSeeded(ctx, file, uploadId);
      await m.query(`INSERT INTO upload_renditions (upload_id, kind, content_type, width, height, content) VALUES ($1, 'thumbnail', 'image/jpeg', $2, $3, $4)`, [
        uploadId,
        facts.thumbnail.width,
        facts.thumbnail.height,
        facts.thumbnail.content,
      ]);
      const imageId = await ctx.insertRow('images', 'images', p.key, {
        company_id,
        project_id,
        upload_id: uploadId,
        image_category_id: ctx.idOf('image_categories', p.album),
        description: p.description,
        private: p.private ?? false,
        uploaded_by_id: by,
      });
      await m.query(`UPDATE uploads SET attached_to_type = 'image', attached_to_id = $2 WHERE id = $1`, [uploadId, imageId]);
    }
  }
}
