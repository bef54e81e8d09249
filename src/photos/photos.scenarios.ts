import sharp from 'sharp';
import type { Scenario, Symptom } from '../scenarios/scenario';
import type { ScenarioContext } from '../scenarios/scenario-context';
import { multipartBody } from '../uploads/multipart-body';

/** The photo limit the scenario sets on its sandbox, so a phone photo is over it. */
const LIMIT_BYTES = 100 * 1024;

const images = (ctx: ScenarioContext) => `/rest/v1.0/projects/${ctx.project('first')}/images`;

async function uploadPhoto(ctx: ScenarioContext, fileName: string, data: Buffer): Promise<{ status: number; code: string | null }> {
  const { body, contentType } = multipartBody([{ name: 'file', filename: fileName, data }]);
  const res = await ctx.requestWith('POST', images(ctx), { token: await ctx.token('superintendent'), raw: body, headers: { 'content-type': contentType } });
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
