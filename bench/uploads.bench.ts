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

const MiB = 1024 * 1024;
const PDF_HEAD = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%');
const PDF_TAIL = Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const FILLER = Buffer.alloc(MiB, 0x20);

/** A PDF of `bytes` bytes, produced a MiB at a time (never whole in memory). */
function* pdfChunks(bytes: number): Generator<Buffer> {
  yield PDF_HEAD;
  let left = bytes - PDF_HEAD.length - PDF_TAIL.length;
  while (left > 0) {
    const n = Math.min(left, FILLER.length);
    yield n === FILLER.length ? FILLER : FILLER.subarray(0, n);
    left -= n;
  }
  yield PDF_TAIL;
}

/** POST …/uploads with the file streamed as one multipart part. */
async function streamUpload(url: string, headers: Record<string, string>, name: string, bytes: number): Promise<number> {
  const boundary = `----sitesimbench${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  function* body(): Generator<Buffer> {
    yield head;
    yield* pdfChunks(bytes);
    yield tail;
  }
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + bytes + tail.length) },
    body: Readable.toWeb(Readable.from(body())) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  await res.arrayBuffer();
  return res.status;
}

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
  let apiMs = 0;
  let diskMs = 0;
  try {
    for (let i = 0; i < rounds; i++) {
      let t0 = performance.now();
      const status = await streamUpload(url, headers, `bench-${i}.pdf`, size);
      apiMs += performance.now() - t0;
      if (status !== 201) throw new Error(`upload answered ${status}`);
      t0 = performance.now();
      await pipeline(Readable.from(pdfChunks(size)), createWriteStream(join(dir, `bench-${i}.pdf`)));
      diskMs += performance.now() - t0;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const apiRate = (rounds * size) / MiB / (apiMs / 1000);
  const diskRate = (rounds * size) / MiB / (diskMs / 1000);

  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 25 } } }).jpeg({ quality: 85 }).toBuffer();
  await analyzeImage(photo);
  const n = 10;
  const p0 = performance.now();
  for (let i = 0; i < n; i++) await analyzeImage(photo);
  const perSecond = n / ((performance.now() - p0) / 1000);

  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const r0 = performance.now();
  const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => streamUpload(url, headers, `big-${i}.pdf`, 200 * MiB)));
  const loadMs = performance.now() - r0;
  clearInterval(sampler);
  if (statuses.some((s) => s !== 201)) throw new Error(`big uploads answered ${statuses.join(', ')}`);
  return [
    `uploads: ${rounds} × 20 MiB through POST …/uploads (streamed multipart, stored as files) vs Node streams writing the same bytes to a file`,
    `  API ${fmt(apiRate, 1)} MiB/s, disk ${fmt(diskRate, 1)} MiB/s: ratio ${fmt(apiRate / diskRate, 2)} (goal ≥ 0.70)`,
    `  photo processing, one worker, 12 MP JPEG (${fmt(photo.length / MiB, 1)} MiB; decode, EXIF, thumbnail): ${fmt(perSecond, 2)} photos/s`,
    `  10 clients × 200 MiB at once: ${fmt(loadMs / 1000, 1)} s; RSS ${fmt(before / MiB, 0)} MiB before, peak ${fmt(peak / MiB, 0)} MiB (goal: flat, < 300 MiB; API and clients share this process)`,
  ];
}
