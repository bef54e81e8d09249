import sharp from 'sharp';
import { QueueRegistry } from '../../src/queues/queue-registry';
import { multipartBody, samplePdf } from '../../src/uploads/multipart-body';
import { ApiClient, Answer } from '../support/api-client';
import { expectError } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Photos taken on an offline device: kept on it with their files, sent in order when it is back online, checked then. */
describe('photos taken offline', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let sim: { token: string };
  let sup: ApiClient;
  let pm: ApiClient;
  let p1: number;
  let url: string;
  const PHONE = 'site-phone';
  const onPhone = { 'x-device-id': PHONE };

  const photo = (client: ApiClient, name: string, data: Buffer, description: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const { body, contentType } = multipartBody([
      { name: 'description', data: description },
      { name: 'file', filename: name, contentType: 'image/jpeg', data },
    ]);
    return client.request('POST', url, { raw: body, headers: { ...headers, 'content-type': contentType } });
  };
  const officeSees = async (): Promise<{ id: number; file_name: string; description: string; processing_status: string }[]> => (await pm.get(`${url}?per_page=1000`)).body;
  const small = (shade: string) => sharp({ create: { width: 64, height: 48, channels: 3, background: shade } }).jpeg().toBuffer();
  const device = async () => (await api.get('/_sim/devices', sim)).body.find((d: { id: string }) => d.id === PHONE);

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'device-photos');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    sim = { token: sb.info.sandbox_token };
    [sup, pm] = await Promise.all([sb.as('superintendent'), sb.as('gc_project_manager')]);
    p1 = sb.project();
    url = `/rest/v1.0/projects/${p1}/images`;
    expect((await sup.get(url, { headers: onPhone })).status).toBe(200);
  });
  afterAll(() => t.stop());

  it('keeps photos on the offline device, sends them in order online with the limits of then, records the refusal, and shows the others once processed', async () => {
    expect((await api.post(`/_sim/devices/${PHONE}/actions/go_offline`, undefined, sim)).status).toBe(200);
    const large = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 92 }).toBuffer();
    const taken = [
      await photo(sup, 'IMG_2001.jpg', await small('#8b4513'), 'Slab edge, grid C', onPhone),
      await photo(sup, 'IMG_2002.jpg', large, 'Rebar congestion at column C4', onPhone),
      await photo(sup, 'IMG_2003.jpg', await small('#556b2f'), 'Formwork, grid D', onPhone),
    ];
    for (const [i, res] of taken.entries()) {
      expect(res.status).toBe(202);
      expect(res.headers['x-queued-offline']).toBe('true');
      expect(res.body).toMatchObject({ queued: true, device_id: PHONE, position: i + 1, files: 1 });
    }
    // Any other file from an offline device is refused: it goes through uploads, whose ids cannot wait on the device.
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'spec.pdf', data: samplePdf() }]);
    const other = await sup.request('POST', `/rest/v1.0/projects/${p1}/uploads`, { raw: body, headers: { ...onPhone, 'content-type': contentType } });
    expectError(other, 400, 'invalid_request');

    const names = (await officeSees()).map((i) => i.file_name);
    expect(names.filter((n) => n.startsWith('IMG_200'))).toEqual([]);
    expect(await device()).toMatchObject({ online: false, queued_writes: 3, queued_photos: 3 });
    const kept = (await api.get(`/_sim/devices/${PHONE}/writes`, sim)).body;
    expect(kept.map((w: { status: string; files: { file_name: string; held: boolean }[] }) => [w.status, w.files.map((f) => [f.file_name, f.held])])).toEqual([
      ['queued', [['IMG_2001.jpg', true]]],
      ['queued', [['IMG_2002.jpg', true]]],
      ['queued', [['IMG_2003.jpg', true]]],
    ]);
    expect(kept[1].files[0].size).toBe(large.length);

    const d = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('gc_project_manager')}&symptom=not_visible&tool=photos`, sim);
    expect(d.body.findings[0]).toMatchObject({
      cause: 'device_not_synced',
      user: { id: sb.userId('superintendent') },
      evidence: { id: PHONE, online: false, queued_writes: 3, queued_photos: 3 },
    });
    expect(d.body.findings[0].fix[0]).toContain('3 photos');

    // Meanwhile the sandbox's photo limit is lowered below the large photo; processing waits a minute.
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { upload_limits: { photo_bytes: 20 * 1024 }, latency_profile: { sync: { distribution: 'fixed', ms: 0 }, uploads: { distribution: 'fixed', ms: 60_000 } } });
    expect(large.length).toBeGreaterThan(20 * 1024);
    expect((await api.post(`/_sim/devices/${PHONE}/actions/go_online`, undefined, sim)).status).toBe(200);
    let writes: { status: string; response_status: number | null; response: any; files: { held: boolean }[] }[] = [];
    for (let i = 0; i < 400 && !(writes.length && writes.every((w) => w.status !== 'queued')); i++) {
      await new Promise((r) => setTimeout(r, 25));
      writes = (await api.get(`/_sim/devices/${PHONE}/writes`, sim)).body;
    }
    expect(writes.map((w) => [w.status, w.response_status])).toEqual([
      ['applied', 201],
      ['refused', 413],
      ['applied', 201],
    ]);
    expect(writes[1].response).toMatchObject({ error: { code: 'file_too_large', details: { limit_bytes: 20 * 1024 } } });
    expect(writes.map((w) => w.files[0].held)).toEqual([false, true, false]);
    const [first, , third] = writes.map((w) => w.response);
    expect(first).toMatchObject({ file_name: 'IMG_2001.jpg', description: 'Slab edge, grid C', processing_status: 'queued', uploaded_by_id: sb.userId('superintendent') });
    expect(third.id).toBeGreaterThan(first.id);

    // Uploaded, but not processed yet: the office still does not see them.
    expect((await officeSees()).filter((i) => i.file_name.startsWith('IMG_200'))).toEqual([]);

    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    // The queue delay is over (as if a minute had passed).
    const uploads = (await t.db.query('SELECT upload_id FROM images WHERE id = ANY($1::int[])', [[first.id, third.id]])).rows.map((r: { upload_id: number }) => r.upload_id);
    const { rows } = await t.db.query(`SELECT job_id FROM outbox WHERE name = 'uploads.process-attachment' AND (payload->>'uploadId')::int = ANY($1::int[])`, [uploads]);
    expect(rows).toHaveLength(2);
    for (const r of rows) await (await t.app.get(QueueRegistry).get('uploads').getJob(r.job_id))?.promote();
    expect((await api.post('/_sim/settle?timeout_ms=30000', undefined, sim)).status).toBe(200);

    const seen = (await officeSees()).filter((i) => i.file_name.startsWith('IMG_200'));
    expect(seen.map((i) => [i.file_name, i.description, i.processing_status])).toEqual([
      ['IMG_2001.jpg', 'Slab edge, grid C', 'ready'],
      ['IMG_2003.jpg', 'Formwork, grid D', 'ready'],
    ]);
    expect(await device()).toMatchObject({ online: true, queued_writes: 0, queued_photos: 0 });
    // The refusal is on record for diagnose, as any refused upload is.
    const why = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('superintendent')}&symptom=not_uploading&tool=photos`, sim);
    expect(why.body.findings.find((f: { cause: string }) => f.cause === 'upload_rejected')).toMatchObject({ evidence: { code: 'file_too_large', file_name: 'IMG_2002.jpg' } });
  }, 60_000);
});
