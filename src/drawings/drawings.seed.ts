import { Injectable, OnModuleInit } from '@nestjs/common';
import { Readable } from 'node:stream';
import { SeedContext, SeedRegistry } from '../sandboxes/seed-registry';
import { ContentStore } from '../uploads/content-store';
import { analyzePdf, SheetFacts } from './pdf-analysis';
import { drawingSetPdf, SampleSheet } from './sample-drawings';

const SET_FILE = 'Riverside MOB - Issued for construction.pdf';
const SHEETS: SampleSheet[] = [
  { number: 'A-101', title: 'First floor plan' },
  { number: 'A-102', title: 'Second floor plan' },
  { number: 'S-201', title: 'Foundation plan' },
];

interface SeededMarkup {
  key: string;
  sheet: number;
  by: string;
  layer: 'personal' | 'published';
  shapes: Record<string, unknown>[];
  rfi?: string;
}

const MARKUPS: SeededMarkup[] = [
  {
    key: 'beam',
    sheet: 2,
    by: 'superintendent',
    layer: 'published',
    shapes: [
      { type: 'cloud', points: [[780, 620], [1180, 620], [1180, 900], [780, 900]], color: '#E53935' },
      { type: 'text', x: 790, y: 600, text: 'W12x26 or W12x30? See RFI #1', font_size: 28, color: '#E53935' },
    ],
    rfi: 'open',
  },
  { key: 'stair', sheet: 0, by: 'gc_project_manager', layer: 'published', shapes: [{ type: 'rectangle', x: 260, y: 720, width: 520, height: 300, color: '#1E88E5' }] },
  {
    key: 'walk',
    sheet: 0,
    by: 'superintendent',
    layer: 'personal',
    shapes: [
      { type: 'ellipse', x: 1400, y: 500, width: 240, height: 160, color: '#FB8C00' },
      { type: 'text', x: 1400, y: 480, text: 'Check sleeve before Friday pour', font_size: 24, color: '#FB8C00' },
    ],
  },
];

/** The set is the same in every sandbox: it is drawn and read once per process. */
let prepared: Promise<{ pdf: Buffer; sheets: SheetFacts[] }> | null = null;
function preparedSet(): Promise<{ pdf: Buffer; sheets: SheetFacts[] }> {
  prepared ??= drawingSetPdf(SHEETS).then(async (pdf) => ({ pdf, sheets: await analyzePdf(pdf) }));
  prepared.catch(() => (prepared = null));
  return prepared;
}

/**
 * The training drawings: one area, a set issued from a real three-page PDF
 * (read by the same analysis as an upload: numbers, titles and previews), each
 * sheet published as revision 1, with published markups (one linked to an RFI)
 * and a personal one only the superintendent sees.
 */
@Injectable()
export class DrawingsSeed implements OnModuleInit {
  constructor(
    private readonly registry: SeedRegistry,
    private readonly content: ContentStore,
  ) {}

  onModuleInit(): void {
    this.registry.register({ name: 'drawings', order: 45, templates: ['training'], run: (ctx) => this.seed(ctx) });
  }

  private async seed(ctx: SeedContext): Promise<void> {
    const m = ctx.manager;
    const { pdf, sheets } = await preparedSet();
    const company_id = ctx.companyId;
    const project_id = ctx.idOf('projects', 'first');
    const pm = ctx.idOf('personas', 'gc_project_manager');
    const area = await ctx.insertRow('drawing_areas', 'drawing_areas', 'main', { company_id, project_id, name: 'Main building', created_by_id: pm });
    const set = await ctx.insertRow('drawing_sets', 'drawing_sets', 'ifc', { company_id, project_id, name: 'Issued for construction', created_by_id: pm });
    const file = await this.content.receive(Readable.from([pdf]));
    const uploadId = await ctx.insertRow('uploads', 'drawing_files', 'ifc', {
      company_id,
      project_id,
      uploaded_by_id: pm,
      kind: 'drawing',
      file_name: SET_FILE,
      content_type: 'application/pdf',
      size_bytes: file.size,
      sha256: file.sha256,
      processing_status: 'ready',
      processed_at: ctx.now,
    });
    this.content.placeWhenSeeded(ctx, file, uploadId);
    const du = await ctx.insertRow('drawing_uploads', 'drawing_uploads', 'ifc', {
      company_id,
      project_id,
      upload_id: uploadId,
      drawing_area_id: area,
      drawing_set_id: set,
      uploaded_by_id: pm,
      published_at: ctx.now,
      published_by_id: pm,
    });
    await m.query(`UPDATE uploads SET attached_to_type = 'drawing_upload', attached_to_id = $2 WHERE id = $1`, [uploadId, du]);
    const revisions: number[] = [];
    for (const s of sheets) {
      const key = s.number!;
      const drawing = await ctx.insertRow('drawings', 'drawings', key, { company_id, project_id, drawing_area_id: area, number: s.number, title: s.title });
      revisions.push(
        await ctx.insertRow('drawing_revisions', 'drawing_revisions', key, {
          company_id,
          project_id,
          drawing_upload_id: du,
          page: s.page,
          width: s.width,
          height: s.height,
          detected_number: s.number,
          detected_title: s.title,
          number: s.number,
          title: s.title,
          status: 'published',
          drawing_id: drawing,
          drawing_set_id: set,
          revision_number: 1,
          published_at: ctx.now,
          published_by_id: pm,
          preview: s.preview.content,
          preview_width: s.preview.width,
          preview_height: s.preview.height,
        }),
      );
    }
    for (const k of MARKUPS) {
      await ctx.insertRow('drawing_markups', 'drawing_markups', k.key, {
        company_id,
        project_id,
        drawing_revision_id: revisions[k.sheet],
        layer: k.layer,
        shapes: JSON.stringify(k.shapes),
        rfi_ids: k.rfi ? [ctx.idOf('rfis', k.rfi)] : [],
        created_by_id: ctx.idOf('personas', k.by),
        published_at: k.layer === 'published' ? ctx.now : null,
      });
    }
  }
}
