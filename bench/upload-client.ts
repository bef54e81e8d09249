import { parentPort, Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const MiB = 1024 * 1024;
const PDF_HEAD = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%');
const PDF_TAIL = Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const FILLER = Buffer.alloc(MiB, 0x20);

/** A PDF of `bytes` bytes, produced a MiB at a time (never whole in memory). */
export function* pdfChunks(bytes: number): Generator<Buffer> {
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

export interface UploadRound {
  url: string;
  headers: Record<string, string>;
  /** File names: uploaded `parallel` at a time, in order. */
  names: string[];
  bytes: number;
  parallel: number;
}

/**
 * The uploading clients, on a worker thread of their own (as the guard bench's
 * load generator is): the API's event loop measures the API, not the clients
 * producing and sending the bytes.
 */
export class UploadClients {
  private readonly worker = new Worker(join(__dirname, 'upload-client.js'));

  /** Runs a round; answers each upload's status and the round's time in ms. */
  run(round: UploadRound): Promise<{ statuses: number[]; ms: number }> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.postMessage(round);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', async (round: UploadRound) => {
    const started = performance.now();
    const statuses: number[] = [];
    for (let i = 0; i < round.names.length; i += round.parallel) {
      statuses.push(...(await Promise.all(round.names.slice(i, i + round.parallel).map((name) => streamUpload(round.url, round.headers, name, round.bytes)))));
    }
    port.postMessage({ statuses, ms: performance.now() - started });
  });
}
