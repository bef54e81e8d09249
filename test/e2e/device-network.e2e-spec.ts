import { multipartBody, samplePdf } from '../../src/uploads/multipart-body';
import { ApiClient, Answer } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

/** Device networks: answers to a device wait its latency, arrive at its bandwidth, and time out (408) past its timeout. */
describe('devices on a simulated network', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let sim: { token: string };
  let sup: ApiClient;
  let p1: number;
  const TABLET = 'field-tablet';
  const onTablet = { headers: { 'x-device-id': TABLET } };

  const network = (body: unknown, key = TABLET) => api.post(`/_sim/devices/${key}/network`, body, sim);
  const timed = async (run: () => Promise<Answer>): Promise<{ res: Answer; ms: number }> => {
    const started = performance.now();
    const res = await run();
    return { res, ms: performance.now() - started };
  };
  /** A file of `bytes` uploaded by the superintendent (not from the tablet), processed. */
  const stored = async (name: string, bytes: number): Promise<string> => {
    const { body, contentType } = multipartBody([{ name: 'file', filename: name, data: samplePdf(bytes) }]);
    const res = await sup.request('POST', `/rest/v1.0/projects/${p1}/uploads`, { raw: body, headers: { 'content-type': contentType } });
    expect(res.status).toBe(201);
    expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=20000`, undefined, sim)).status).toBe(200);
    return `/rest/v1.0/projects/${p1}/uploads/${res.body.id}/content`;
  };

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'device-network');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    sim = { token: sb.info.sandbox_token };
    sup = await sb.as('superintendent');
    p1 = sb.project();
    expect((await sup.get('/rest/v1.0/me', onTablet)).status).toBe(200);
  });
  afterAll(() => t.stop());

  it('refuses a network that is not a profile or whole numbers, naming each field (422), and an unknown device (404)', async () => {
    const cases: [unknown, string[]][] = [
      [{}, ['(body)']],
      [{ profile: 'fiber' }, ['profile']],
      [{ profile: 'weak_3g', latency_ms: 50 }, ['latency_ms']],
      [{ bandwidth_kbps: 0, latency_ms: 10 }, ['bandwidth_kbps']],
      [{ latency_ms: 10 }, ['bandwidth_kbps']],
      [{ bandwidth_kbps: 100, latency_ms: 1.5, timeout_ms: 'soon' }, ['latency_ms', 'timeout_ms']],
      [{ bandwidth_kbps: 100, latency_ms: 500, timeout_ms: 400 }, ['timeout_ms']],
      [{ bandwidth_kbps: 100, latency_ms: 10, jitter_ms: 5 }, ['jitter_ms']],
      [[{ profile: 'weak_3g' }], ['(body)']],
    ];
    for (const [body, fields] of cases) {
      const res = await network(body);
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res).sort()).toEqual(fields.sort());
    }
    expectError(await network({ profile: 'weak_3g' }, 'never-used'), 404, 'not_found');
    expectError(await api.get('/_sim/devices/never-used/network', sim), 404, 'not_found');
    const other = await TrainingSandbox.create(api, 'device-network-other');
    // Another sandbox's token does not reach this sandbox's device.
    expectError(await api.post(`/_sim/devices/${TABLET}/network`, { profile: 'weak_3g' }, { token: other.info.sandbox_token }), 404, 'not_found');
    expect((await api.get(`/_sim/devices/${TABLET}/network`, sim)).body[0].network).toBeNull();
  });

  it('puts a device on a named network, shows it, and adds its latency to every answer', async () => {
    const set = await network({ profile: 'weak_3g' });
    expect(set.status).toBe(200);
    expect(set.body).toEqual([{ id: TABLET, user_id: sb.userId('superintendent'), network: { profile: 'weak_3g', bandwidth_kbps: 200, latency_ms: 600, timeout_ms: 8000 }, timed_out_requests: [] }]);
    expect((await api.get(`/_sim/devices/${TABLET}/network`, sim)).body).toEqual(set.body);
    const { res, ms } = await timed(() => sup.get('/rest/v1.0/me', onTablet));
    expect(res.status).toBe(200);
    expect(res.headers['x-device-network']).toBe('weak_3g');
    expect(ms).toBeGreaterThanOrEqual(590);
    // Without the device header the same user is not on the device's network.
    const direct = await timed(() => sup.get('/rest/v1.0/me'));
    expect(direct.res.headers['x-device-network']).toBeUndefined();
    expect(direct.ms).toBeLessThan(500);
  });

  it("paces a download at the device's bandwidth, and times out (408) one that cannot arrive within its timeout", async () => {
    const small = await stored('detail-small.pdf', 5 * 1024);
    const large = await stored('sheet-large.pdf', 40 * 1024);
    // 80 kbps: 10 000 bytes a second.
    expect((await network({ bandwidth_kbps: 80, latency_ms: 100, timeout_ms: 1500 })).body[0].network).toEqual({ profile: 'custom', bandwidth_kbps: 80, latency_ms: 100, timeout_ms: 1500 });

    const paced = await timed(() => sup.get(small, onTablet));
    expect(paced.res.status).toBe(200);
    expect(paced.res.text.length).toBe(5 * 1024);
    expect(Number(paced.res.headers['content-length'])).toBe(5 * 1024);
    // 100 ms latency and 5120 bytes at 10 000 B/s.
    expect(paced.ms).toBeGreaterThanOrEqual(100 + 480);
    expect(paced.ms).toBeLessThan(1500);

    const lost = await timed(() => sup.get(large, onTablet));
    expectError(lost.res, 408, 'device_timeout');
    expect(lost.res.body.error.message).toContain(TABLET);
    expect(lost.res.body.error.message).toContain('custom (80 kbps, 100 ms latency, 1500 ms timeout)');
    expect(lost.res.body.error.details).toMatchObject({ device_id: TABLET, response_status: 200, response_bytes: 40 * 1024, timeout_ms: 1500 });
    expect(lost.res.body.error.details.needed_ms).toBeGreaterThan(4000);
    // The device gave up at its timeout: not sooner, and not after the whole transfer.
    expect(lost.ms).toBeGreaterThanOrEqual(1450);
    expect(lost.ms).toBeLessThan(2500);
    // The same file reaches a client that is not on the device.
    expect((await sup.get(large)).status).toBe(200);
  }, 30_000);

  it('loads the small record while a large JSON list times out, as the sheet loads and its notes fail on a weak connection', async () => {
    const list = `/rest/v1.0/projects/${p1}/images?per_page=100`;
    const bytes = Buffer.byteLength((await sup.get(list)).text);
    expect(bytes).toBeGreaterThan(1500);
    // 8 kbps: 1000 bytes a second; the list needs more than its 1200 ms, the user record (a few hundred bytes) does not.
    await network({ bandwidth_kbps: 8, latency_ms: 50, timeout_ms: 1200 });
    const me = await sup.get('/rest/v1.0/me', onTablet);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(sb.userId('superintendent'));
    const photos = await sup.get(list, onTablet);
    expectError(photos, 408, 'device_timeout');
    expect(photos.headers.total).toBeUndefined();
    expect(photos.body.error.details.response_bytes).toBe(bytes);

    const state = (await api.get(`/_sim/devices/${TABLET}/network`, sim)).body[0];
    expect(state.timed_out_requests).toEqual([
      expect.objectContaining({ method: 'GET', url: list, route: '/rest/v1.0/projects/:project_id/images', response_status: 200, response_bytes: bytes, timeout_ms: 1200 }),
    ]);
  }, 30_000);

  it('names weak_connection in diagnose with the device, its network and what timed out, until the network is reset', async () => {
    const d = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('superintendent')}&symptom=not_loading`, sim);
    expect(d.status).toBe(200);
    const finding = d.body.findings[0];
    expect(finding).toMatchObject({
      cause: 'weak_connection',
      user: { id: sb.userId('superintendent') },
      evidence: { device_id: TABLET, network: { profile: 'custom', bandwidth_kbps: 8, latency_ms: 50, timeout_ms: 1200 }, timed_out: 1 },
    });
    expect(finding.evidence.requests[0].url).toBe(`/rest/v1.0/projects/${p1}/images?per_page=100`);
    expect(finding.fix.join(' ')).toContain(`POST /_sim/devices/${TABLET}/network {"profile": "normal"}`);
    expect(finding.fix.join(' ')).toMatch(/better signal/);

    const reset = await network({ profile: 'normal' });
    expect(reset.body).toEqual([{ id: TABLET, user_id: sb.userId('superintendent'), network: null, timed_out_requests: [] }]);
    const { res, ms } = await timed(() => sup.get(`/rest/v1.0/projects/${p1}/images?per_page=100`, onTablet));
    expect(res.status).toBe(200);
    expect(res.headers['x-device-network']).toBeUndefined();
    expect(ms).toBeLessThan(1000);
    const after = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('superintendent')}&symptom=not_loading`, sim);
    expect(after.body.findings.map((f: { cause: string }) => f.cause)).not.toContain('weak_connection');
  });
});
