import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { SandboxesService } from '../src/sandboxes/sandboxes.service';
import { analyzeImage } from '../src/uploads/image-analysis';
import { fmt } from './support';
import { pdfChunks, UploadClients } from './upload-client';

const MiB = 1024 * 1024;

/**
 * Uploads through the API against Node streams writing the same bytes to a
 * file on the same disk, in the same run; one worker's processing rate for
 * 12-megapixel JPEGs; and the process's peak RSS while 10 clients upload
 * 200 MiB each.
 */
export async function uploadsBench(app: NestFastifyApplication, base: string, sandboxId: number, companyId: number, projectId: number, token: string): Promise<string[]> {
  await app.get(SandboxesService).updateSettings(sandboxId, { upload_limits: { attachment_bytes: 256 * MiB, concurrent_per_user: 20 } });
  const headers = { authorization: `Bearer ${token}`, 'procore-company-id': String(companyId) };
  const url = `${base}/rest/v1.0/projects/${projectId}/uploads`;
  const size = 20 * MiB;
  const rounds = 5;
  const dir = await mkdtemp(join(tmpdir(), 'sitesim-bench-'));
  const clients = new UploadClients();
  let apiMs = 0;
  let diskMs = 0;
  try {
    // One round each first, untimed: both sides warmed up alike.
    await clients.run({ url, headers, names: ['warm-up.pdf'], bytes: size, parallel: 1 });
    await pipeline(Readable.from(pdfChunks(size)), createWriteStream(join(dir, 'warm-up.pdf')));
    for (let i = 0; i < rounds; i++) {
      const api = await clients.run({ url, headers, names: [`bench-${i}.pdf`], bytes: size, parallel: 1 });
      apiMs += api.ms;
      if (api.statuses[0] !== 201) throw new Error(`upload answered ${api.statuses[0]}`);
      const t0 = performance.now();
      await pipeline(Readable.from(pdfChunks(size)), createWriteStream(join(dir, `bench-${i}.pdf`)));
      diskMs += performance.now() - t0;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const apiRate = (rounds * size) / MiB / (apiMs / 1000);
  const diskRate = (rounds * size) / MiB / (diskMs / 1000);

  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const load = await clients.run({ url, headers, names: Array.from({ length: 10 }, (_, i) => `big-${i}.pdf`), bytes: 200 * MiB, parallel: 10 });
  clearInterval(sampler);
  await clients.close();
  const loadMs = load.ms;
  if (load.statuses.some((s) => s !== 201)) throw new Error(`big uploads answered ${load.statuses.join(', ')}`);

  // After the uploads: sharp's own caches are not the uploads' memory.
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 25 } } }).jpeg({ quality: 85 }).toBuffer();
  await analyzeImage(photo);
  const n = 10;
  const p0 = performance.now();
  for (let i = 0; i < n; i++) await analyzeImage(photo);
  const perSecond = n / ((performance.now() - p0) / 1000);

  return [
    `uploads: ${rounds} × 20 MiB through POST …/uploads (streamed multipart, stored as files) vs Node streams writing the same bytes to a file (clients on a worker thread)`,
    `  API ${fmt(apiRate, 1)} MiB/s, disk ${fmt(diskRate, 1)} MiB/s: ratio ${fmt(apiRate / diskRate, 2)} (goal ≥ 0.70)`,
    `  photo processing, one worker, 12 MP JPEG (${fmt(photo.length / MiB, 1)} MiB; decode, EXIF, thumbnail): ${fmt(perSecond, 2)} photos/s`,
    `  10 clients × 200 MiB at once: ${fmt(loadMs / 1000, 1)} s; RSS ${fmt(before / MiB, 0)} MiB before, peak ${fmt(peak / MiB, 0)} MiB (goal: flat, < 300 MiB; API and clients share this process)`,
  ];
}
