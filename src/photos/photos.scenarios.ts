import sharp from 'sharp';
import type { Scenario, Symptom } from '../scenarios/scenario';
import type { ScenarioContext } from '../scenarios/scenario-context';
import { multipartBody } from '../uploads/multipart-body';

/** The photo limit the scenario sets on its sandbox, so a phone photo is over it. */
const LIMIT_BYTES = 100 * 1024;

const images = (ctx: ScenarioContext) => `/rest/v1.0/projects/${ctx.project('first')}/images`;

async function uploadPhoto(ctx: ScenarioContext, fileName: string, data: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; code: string | null }> {
  const { body, contentType } = multipartBody([{ name: 'file', filename: fileName, data, contentType: 'image/jpeg' }]);
  const res = await ctx.requestWith('POST', images(ctx), { token: await ctx.token('superintendent'), raw: body, headers: { ...headers, 'content-type': contentType } });
  return { status: res.status, code: (res.body as { error?: { code?: string } })?.error?.code ?? null };
}

/** A detailed (noisy) photo: large as JPEG. */
const detailed = () => sharp({ create: { width: 900, height: 900, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 92 }).toBuffer();

/** 10. Photos not uploading: an empty file and one over the sandbox's photo limit are refused, each with its code. */
export const photosNotUploading: Scenario & { fixSteps: string[] } = {
  key: 'photos_not_uploading',
  number: 10,
  title: 'Photos not uploading: a zero-byte file and one over the photo size limit are refused',
  causes: ['upload_rejected'],
  fixSteps: ['Send the photo again with its content (not an empty file), compressed below the limit, or raise upload_limits.photo_bytes for the sandbox.'],
  async setup(ctx) {
    await ctx.sim('PATCH', `/_sim/sandboxes/${ctx.sandbox.id}/settings`, { latency_profile: 'instant', upload_limits: { photo_bytes: LIMIT_BYTES } });
    const empty = await uploadPhoto(ctx, 'IMG_0500.jpg', Buffer.alloc(0));
    const large = await uploadPhoto(ctx, 'IMG_0501.jpg', await detailed());
    return { empty, large };
  },
  async observe(ctx, state): Promise<Symptom> {
    const res = await ctx.as('superintendent', 'GET', `${images(ctx)}?per_page=100`);
    const names = (res.body as { file_name: string }[]).map((i) => i.file_name);
    const arrived = ['IMG_0500.jpg', 'IMG_0501.jpg'].filter((n) => names.includes(n));
    return {
      present: arrived.length === 0,
      description: "The superintendent's two site photos do not show in the project: the uploads were refused.",
      observed: { arrived, attempts: state },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'superintendent', symptom: 'not_uploading', tool: 'photos' }),
  async fix(ctx) {
    const again = await uploadPhoto(ctx, 'IMG_0500.jpg', await sharp(await detailed()).resize(300).jpeg({ quality: 60 }).toBuffer());
    const settled = await ctx.sim('POST', `/_sim/settle?project_id=${ctx.project('first')}&timeout_ms=30000`);
    return [`POST ${images(ctx)} (the photo with its content, compressed below ${LIMIT_BYTES / 1024} KiB) → ${again.status}`, `POST /_sim/settle → ${settled.status}`];
  },
};

/** The superintendent's phone in scenario 11 (its X-Device-Id). */
const PHONE = 'super-phone';
const OFFLINE_PHOTOS = ['IMG_1101.jpg', 'IMG_1102.jpg'];

/** A small site photo (a real JPEG: processing decodes it). */
const sitePhoto = (shade: string) => sharp({ create: { width: 64, height: 48, channels: 3, background: shade } }).jpeg().toBuffer();

/**
 * 11. Photos taken offline not visible in the office: the superintendent's
 * phone has no signal, so the photos it takes are kept on it (202); the
 * project manager in the office does not see them until the phone is back
 * online, sends them, and their processing has run.
 */
export const photosTakenOffline: Scenario & { fixSteps: string[] } = {
  key: 'photos_taken_offline',
  number: 11,
  title: 'Photos taken offline not visible in the office: the device keeps them until it is back online',
  causes: ['device_not_synced'],
  fixSteps: [
    `The superintendent's phone gets signal again: POST /_sim/devices/${PHONE}/actions/go_online (its photos are sent in order, with the upload checks of that moment)`,
    'Wait for the upload and its processing: POST /_sim/settle',
  ],
  async setup(ctx) {
    await ctx.sim('PATCH', `/_sim/sandboxes/${ctx.sandbox.id}/settings`, { latency_profile: 'instant' });
    const token = await ctx.token('superintendent');
    // The phone has been used on site before (the device exists), then loses signal.
    const first = await ctx.requestWith('GET', `${images(ctx)}?per_page=1`, { token, headers: { 'x-device-id': PHONE } });
    const offline = await ctx.sim('POST', `/_sim/devices/${PHONE}/actions/go_offline`);
    const taken = [];
    for (const [i, name] of OFFLINE_PHOTOS.entries()) taken.push(await uploadPhoto(ctx, name, await sitePhoto(i ? '#556b2f' : '#8b4513'), { 'x-device-id': PHONE }));
    if (first.status !== 200 || offline.status !== 200 || taken.some((t) => t.status !== 202)) {
      throw new Error(`setup failed: ${first.status}/${offline.status}/${taken.map((t) => t.status).join(',')}`);
    }
    return { device_id: PHONE, photos: OFFLINE_PHOTOS, answers: taken.map((t) => t.status) };
  },
  async observe(ctx): Promise<Symptom> {
    const res = await ctx.as('gc_project_manager', 'GET', `${images(ctx)}?per_page=1000`);
    const names = (res.body as { file_name: string }[]).map((i) => i.file_name);
    const seen = OFFLINE_PHOTOS.filter((n) => names.includes(n));
    return {
      present: seen.length < OFFLINE_PHOTOS.length,
      description: "The project manager in the office looks for the superintendent's site photos, taken an hour ago, and they are not in the project.",
      observed: { expected: OFFLINE_PHOTOS, seen_by_office: seen },
    };
  },
  diagnose: () => ({ project: 'first', persona: 'gc_project_manager', symptom: 'not_visible', tool: 'photos' }),
  async fix(ctx) {
    const online = await ctx.sim('POST', `/_sim/devices/${PHONE}/actions/go_online`);
    const settled = await ctx.sim('POST', '/_sim/settle?timeout_ms=30000');
    return [`POST /_sim/devices/${PHONE}/actions/go_online → ${online.status}`, `POST /_sim/settle → ${settled.status}`];
  },
};
