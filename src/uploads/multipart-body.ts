import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface PartSpec {
  name: string;
  /** A file part when set. */
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

/** A multipart/form-data body (for scenarios that upload through the API, and for tests). */
export function multipartBody(parts: PartSpec[]): { body: Buffer; contentType: string } {
  const boundary = `----sitesim${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(partHead(boundary, p), Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A minimal valid PDF of about `bytes` bytes (padded with a comment), for scenarios and tests. */
export function samplePdf(bytes = 2048): Buffer {
  const head = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n%';
  const tail = '\ntrailer << /Root 1 0 R >>\n%%EOF\n';
  return Buffer.concat([Buffer.from(head), Buffer.alloc(Math.max(0, bytes - head.length - tail.length), 0x20), Buffer.from(tail)]);
}

/** A part of a streamed form: a file's content may arrive as it is read (from storage, chunk by chunk). */
export interface StreamedPartSpec extends Omit<PartSpec, 'data'> {
  data: Buffer | string | (() => AsyncIterable<Buffer>);
}

/** A multipart/form-data body as a stream, never holding a whole file in memory (a device's kept photos, replayed). */
export function multipartStream(parts: StreamedPartSpec[]): { body: Readable; contentType: string } {
  const boundary = `----sitesim${randomBytes(12).toString('hex')}`;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const p of parts) {
      yield partHead(boundary, p);
      if (typeof p.data === 'function') yield* p.data();
      else yield Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data);
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  return { body: Readable.from(chunks()), contentType: `multipart/form-data; boundary=${boundary}` };
}

function partHead(boundary: string, p: Pick<PartSpec, 'name' | 'filename' | 'contentType'>): Buffer {
  const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename.replace(/"/g, '%22')}"` : ''}`;
  const type = p.filename !== undefined ? `\r\nContent-Type: ${p.contentType ?? 'application/octet-stream'}` : '';
  return Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`);
}
