import sharp from 'sharp';
import { multipartBody } from '../../src/uploads/multipart-body';
import { ApiClient } from '../support/api-client';
import { WorkerProcess } from '../support/processes';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Photo processing on a separate worker process that dies half-way. */
describe('photo processing when its worker is killed', () => {
  let t: TestApp;
  let api: ApiClient;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await TestApp.start({ workers: false, env: { SIM_JOB_LOCK_MS: '1500' } });
    api = t.client();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM').catch(() => undefined)));
    await t.stop();
  });

  it('processes the photo once, on the next worker, after the first dies mid-processing', async () => {
    const env = t.processEnv({ SIM_JOB_LOCK_MS: '1500' });
    workers = [await WorkerProcess.start(env)];
    const sb = await TrainingSandbox.create(api, 'photo-kill');
    await sb.relaxLimits();
    // jobs start at once, and processing works through 4 MiB/s (a profile of its own): a photo of several MiB takes seconds
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: { uploads: { distribution: 'fixed', ms: 0 } } });
    const sup = await sb.as('superintendent');
    const p = sb.project('first');
    const big = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).jpeg({ quality: 95 }).toBuffer();
    expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'tower crane.jpg', data: big }]);
    const res = await sup.request('POST', `/rest/v1.0/projects/${p}/images`, { raw: body, headers: { 'content-type': contentType } });
    expect(res.status).toBe(201);
    const state = async () => (await t.db.query('SELECT u.id, u.processing_status FROM uploads u JOIN images i ON i.upload_id = u.id WHERE i.id = $1', [res.body.id])).rows[0];
    for (let i = 0; i < 400 && (await state()).processing_status !== 'processing'; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await state()).processing_status).toBe('processing');
    await workers[0].kill('SIGKILL');
    workers = [];
    const upload = (await state()).id;
    await new Promise((r) => setTimeout(r, 300));
    expect((await state()).processing_status).toBe('processing');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM upload_renditions WHERE upload_id = $1`, [upload])).rows[0].n).toBe(0);

    workers = [await WorkerProcess.start(env)];
    expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=60000`)).status).toBe(200);
    const done = (await sup.get(`/rest/v1.0/projects/${p}/images/${res.body.id}`)).body;
    expect(done).toMatchObject({ processing_status: 'ready', width: 3000, height: 2000 });
    const once = await t.db.query(
      `SELECT (SELECT count(*) FROM change_log WHERE resource = 'Uploads' AND resource_id = $1 AND snapshot->>'processingStatus' = 'ready')::int AS readies,
              (SELECT count(*) FROM upload_renditions WHERE upload_id = $1)::int AS thumbnails`,
      [upload],
    );
    expect(once.rows[0]).toEqual({ readies: 1, thumbnails: 1 });
  }, 120_000);
});
