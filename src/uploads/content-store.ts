import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { JobProcessors } from '../queues/job-processors';
import { realTime } from '../sandboxes/sandbox-clock';

/** Bytes per read and per buffered write: large enough that a big file costs few system calls, small enough per upload. */
const IO_BYTES = 1024 * 1024;
/** A temp file untouched this long belongs to no upload in progress (uploads stall out long before): swept at start. */
const STALE_TEMP_MS = 3600_000;
const SWEEP_BATCH = 500;

/** A file received into `<dir>/tmp`, not yet an upload's: `place` moves it, `discard` removes it. */
export interface TempFile {
  path: string;
  size: number;
  sha256: string;
}

/** Moves a temp file to its final path (inside the transaction that writes its row: see `ContentStore.placing`). */
export type Place = (file: TempFile, target: string) => Promise<void>;

interface GoneRow {
  id: string;
  kind: 'upload' | 'segmented';
  target_id: number;
  kept: boolean;
}

/**
 * Upload content as files under `SIM_STORAGE_DIR`: an upload's at
 * `<dir>/<upload id>`, a segmented upload's segments under
 * `<dir>/segmented/<id>/`, files on their way in under `<dir>/tmp/`.
 *
 * A file arrives in `tmp` (streamed, hashed as it goes), and is moved to its
 * final path inside the transaction that writes its row, just before the
 * commit, so a committed row always has its file (its job may run at once);
 * when the transaction does not commit, the moved file is removed again. A
 * deleted row leaves a tombstone (`content_gone`, by trigger, in the deleting
 * transaction); `sweep` removes the files of tombstoned rows by id.
 */
@Injectable()
export class ContentStore implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('ContentStore');
  readonly dir: string;
  private readonly tmpDir: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly processors: JobProcessors,
    config: AppConfig,
  ) {
    this.dir = config.storageDir;
    this.tmpDir = join(this.dir, 'tmp');
  }

  onModuleInit(): void {
    this.processors.register('uploads.remove-content', async () => ({ removed: await this.sweep() }));
  }

  /** The storage directories exist; what a crash left behind (tombstones not swept, abandoned temp files) goes. */
  async onApplicationBootstrap(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(join(this.dir, 'segmented'), { recursive: true });
    await this.sweep().catch((err: Error) => this.logger.warn(`sweep at start failed: ${err.message}`));
    await this.removeStaleTemps().catch((err: Error) => this.logger.warn(`temp files not swept: ${err.message}`));
  }

  pathOf(uploadId: number): string {
    return join(this.dir, String(uploadId));
  }

  segmentsDir(segmentedId: number): string {
    return join(this.dir, 'segmented', String(segmentedId));
  }

  segmentPath(segmentedId: number, n: number): string {
    return join(this.segmentsDir(segmentedId), String(n));
  }

  /**
   * Streams `source` into a new temp file with backpressure, hashing it as it
   * goes; `inspect` sees each chunk first (with the bytes so far) and refuses by
   * throwing. With `idle`, a source that sends nothing for `ms` is destroyed
   * with the error `stalled` answers (the clock runs only while waiting for the
   * source, never while the file is backed up on its way to disk). On any
   * failure the temp file is gone and the error is thrown.
   */
  async receive(source: Readable, options: { inspect?: (chunk: Buffer, received: number) => void; idle?: { ms: number; stalled: () => Error } } = {}): Promise<TempFile> {
    const path = join(this.tmpDir, randomBytes(12).toString('hex'));
    const hash = createHash('sha256');
    const { inspect, idle } = options;
    let size = 0;
    const file = createWriteStream(path, { flags: 'wx', highWaterMark: IO_BYTES });
    const through = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        watchdog?.refresh();
        size += chunk.length;
        try {
          inspect?.(chunk, size);
        } catch (err) {
          done(err as Error);
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // One timer for the whole file, pushed back by each chunk (cheaper than one per chunk on a fast upload).
    const watchdog = idle
      ? setTimeout(function check() {
          if (file.writableNeedDrain || through.readableLength >= through.readableHighWaterMark) watchdog!.refresh();
          else source.destroy(idle.stalled());
        }, idle.ms)
      : undefined;
    try {
      await pipeline(source, through, file);
    } catch (err) {
      await this.discard(path);
      throw err;
    } finally {
      clearTimeout(watchdog);
    }
    return { path, size, sha256: hash.digest('hex') };
  }

  /** Removes a temp file (or a file placed by a transaction that did not commit); one already gone is fine. */
  async discard(path: string): Promise<void> {
    await rm(path, { force: true }).catch((err: Error) => this.logger.warn(`${path} not removed: ${err.message}`));
  }

  /**
   * Runs `work` (a transaction) with `place`, which moves a temp file to its
   * final path: called last in the transaction, the file is there before the
   * row is visible. When `work` fails (the commit included), the files it
   * placed are removed again: nothing is left of a write that did not happen.
   */
  async placing<T>(work: (place: Place) => Promise<T>): Promise<T> {
    const placed: string[] = [];
    try {
      return await work(async (file, target) => {
        await rename(file.path, target);
        placed.push(target);
      });
    } catch (err) {
      await Promise.all(placed.map((target) => this.discard(target)));
      throw err;
    }
  }

  /** Moves a temp file to its final path at once (for a row already committed: a seeded upload). */
  async moveInto(file: TempFile, target: string): Promise<void> {
    await rename(file.path, target);
  }

  /** A seeded upload's file takes its place once the seeding has committed (on a reset, over the file of the row it replaces); it is discarded if the seeding fails. */
  placeWhenSeeded(seeding: { afterCommit(done: () => Promise<void>, undo?: () => Promise<void>): void }, file: TempFile, uploadId: number): void {
    seeding.afterCommit(
      () => this.moveInto(file, this.pathOf(uploadId)),
      () => this.discard(file.path),
    );
  }

  /**
   * An upload's content, streamed from its file (from `upload_chunks` for one
   * stored before content moved to files); null when neither holds it.
   */
  async open(uploadId: number): Promise<Readable | null> {
    try {
      const handle = await open(this.pathOf(uploadId), 'r');
      return handle.createReadStream({ highWaterMark: IO_BYTES });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const [legacy] = await this.db.query('SELECT 1 FROM upload_chunks WHERE upload_id = $1 AND seq = 0', [uploadId]);
    return legacy ? Readable.from(this.legacyChunks(uploadId)) : null;
  }

  /**
   * Removes the files of deleted rows, by the ids their tombstones name (a row
   * that exists again under the same id, as a sandbox reset reseeds, keeps its
   * file). Any process may sweep at any time: tombstones are claimed with SKIP
   * LOCKED and dropped only once their files are gone. Answers how many went.
   */
  async sweep(): Promise<number> {
    let removed = 0;
    for (;;) {
      const n = await this.db.transaction(async (m) => {
        const rows: GoneRow[] = await m.query(
          `SELECT g.id, g.kind, g.target_id,
                  CASE g.kind WHEN 'upload' THEN EXISTS (SELECT 1 FROM uploads u WHERE u.id = g.target_id)
                              ELSE EXISTS (SELECT 1 FROM segmented_uploads s WHERE s.id = g.target_id) END AS kept
             FROM content_gone g ORDER BY g.id LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED`,
        );
        const gone = rows.filter((r) => !r.kept);
        await Promise.all(gone.map((r) => rm(r.kind === 'upload' ? this.pathOf(r.target_id) : this.segmentsDir(r.target_id), { recursive: true, force: true })));
        if (rows.length) await m.query('DELETE FROM content_gone WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        removed += gone.length;
        return rows.length;
      });
      if (n < SWEEP_BATCH) return removed;
    }
  }

  private async removeStaleTemps(): Promise<void> {
    const now = realTime();
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await this.discard(path);
    }
  }

  private async *legacyChunks(uploadId: number): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const [row]: { data: Buffer }[] = await this.db.query('SELECT data FROM upload_chunks WHERE upload_id = $1 AND seq = $2', [uploadId, seq]);
      if (!row) return;
      yield row.data;
    }
  }
}
