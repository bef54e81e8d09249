import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestApp } from './test-app';

/** What is in an app's storage directory: uploads' files, files on their way in, segmented uploads' segments. */
export async function files(t: TestApp): Promise<{ files: number; temps: number; segments: number }> {
  const dir = t.config.storageDir;
  const names = await readdir(dir);
  const segmented = await readdir(join(dir, 'segmented'));
  const segments = (await Promise.all(segmented.map((d) => readdir(join(dir, 'segmented', d))))).flat().length;
  return { files: names.filter((n) => /^\d+$/.test(n)).length, temps: (await readdir(join(dir, 'tmp'))).length, segments };
}

export async function hasFile(t: TestApp, uploadId: number): Promise<boolean> {
  return stat(join(t.config.storageDir, String(uploadId))).then(
    () => true,
    () => false,
  );
}
