import { Blob } from 'node:buffer';
import { FormData } from 'undici';
import { StepFailure } from '../http-engine';
import { Iteration } from './context';

const seen = (s: number) => s === 200 || s === 403 || s === 404;

/**
 * The superintendent uploads a small real JPEG into an album → the upload job
 * decodes it (`ready`) → the architect sees it (`attachment_ready`: from the
 * upload's answer until both hold). A photo that ends `failed` fails the iteration.
 */
export async function photoUpload(it: Iteration): Promise<void> {
  const { projectId, albumId, jpeg } = it.fixtures;
  const url = `/rest/v1.0/projects/${projectId}/images`;
  const uploaded = await it.call<{ id: number }>('upload_photo', 'superintendent', {
    method: 'POST',
    path: url,
    form: () => {
      const form = new FormData();
      form.append('image_category_id', String(albumId));
      form.append('description', `Deck east bay before the pour (${it.tag})`);
      form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), `deck-${it.tag}.jpg`);
      return form;
    },
    ok: (s) => s === 201,
  });
  const since = performance.now();
  const id = uploaded.body.id;
  let ready = false;
  await it.waitFor('attachment_ready', since, async () => {
    if (!ready) {
      const own = await it.call<{ processing_status: string; processing_error?: string | null }>('poll_photo_ready', 'superintendent', { method: 'GET', path: `${url}/${id}` }, { think: false });
      if (own.body.processing_status === 'failed') throw new StepFailure('poll_photo_ready', own.status, 'processing_failed', own.body.processing_error ?? 'the photo failed processing');
      ready = own.body.processing_status === 'ready';
      if (!ready) return false;
    }
    const other = await it.call<{ processing_status?: string }>('poll_photo_other', 'architect', { method: 'GET', path: `${url}/${id}`, ok: seen }, { think: false });
    return other.status === 200 && other.body.processing_status === 'ready';
  });
}
