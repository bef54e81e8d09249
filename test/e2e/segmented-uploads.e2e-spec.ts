import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { samplePdf } from '../../src/uploads/multipart-body';
import { ApiClient, Answer } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TINY_PNG } from '../support/images';
import { TrainingSandbox } from '../support/sandbox';
import { files, hasFile } from '../support/storage';
import { TestApp } from '../support/test-app';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const DAY_S = 24 * 3600;

describe('Segmented uploads: a large file in checked segments, joined into an upload, expiring on the sandbox clock', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let p1: number;
  let pm: ApiClient;

  const base = (project = p1) => `/rest/v1.0/projects/${project}/uploads/segmented`;
  const open = (client: ApiClient, body: Record<string, unknown>, project = p1) => client.post(base(project), body);
  const put = (client: ApiClient, id: number, n: number, data: Buffer, checksum = sha(data), project = p1): Promise<Answer> =>
    client.request('PUT', `${base(project)}/${id}/segments/${n}`, { raw: data, headers: { 'content-type': 'application/octet-stream', 'x-segment-sha256': checksum } });
  const complete = (client: ApiClient, id: number, body?: Record<string, unknown>, project = p1) => client.post(`${base(project)}/${id}/actions/complete`, body);
  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=30000`, undefined, { token: sb.info.sandbox_token })).status).toBe(200);
  const rows = async (id: number) =>
    (
      await t.db.query(
        `SELECT (SELECT count(*) FROM segmented_uploads WHERE id = $1)::int AS uploads, (SELECT count(*) FROM upload_segments WHERE segmented_upload_id = $1)::int AS segments`,
        [id],
      )
    ).rows[0] as { uploads: number; segments: number };
  const segmentFiles = (id: number) => readdir(join(t.config.storageDir, 'segmented', String(id))).catch(() => [] as string[]);
  /** Moves the sandbox clock forward; the tokens it outlived are signed in again. */
  const advance = async (seconds: number): Promise<Answer> => {
    const res = await api.post(`/_sim/sandboxes/${sb.info.id}/clock/actions/advance`, { seconds });
    expect(res.status).toBe(200);
    sb.forget('gc_project_manager');
    pm = await sb.as('gc_project_manager');
    return res;
  };
  const uploadCount = async () => (await t.db.query('SELECT count(*)::int AS n FROM uploads')).rows[0].n as number;

  /** A PDF of `size` bytes cut into three: two of `each` bytes and the rest. */
  const threeParts = (size: number, each: number) => {
    const pdf = samplePdf(size);
    return { pdf, parts: [pdf.subarray(0, each), pdf.subarray(each, 2 * each), pdf.subarray(2 * each)] };
  };

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'segmented');
    await sb.relaxLimits();
    expect((await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' })).status).toBe(200);
    p1 = sb.project();
    pm = await sb.as('gc_project_manager');
  });
  afterAll(() => t.stop());

  it('takes a file in 3 segments, joins them into an upload that is processed to ready with the same bytes, and answers the same upload on a retry', async () => {
    const { pdf, parts } = threeParts(300_000, 128 * 1024);
    const started = await open(pm, { file_name: 'Level 2 scan.pdf', size_bytes: pdf.length, segment_bytes: 128 * 1024, sha256: sha(pdf) });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      status: 'open',
      file_name: 'Level 2 scan.pdf',
      kind: 'attachment',
      size_bytes: pdf.length,
      segment_bytes: 128 * 1024,
      segment_count: 3,
      last_segment_bytes: parts[2].length,
      segments_received: [],
      segments_missing: [1, 2, 3],
      upload_id: null,
    });
    expect(String(started.headers.location)).toMatch(new RegExp(`/uploads/segmented/${started.body.id}$`));
    // It lasts a day on the sandbox clock.
    expect(Date.parse(started.body.expires_at) - Date.parse(started.body.created_at)).toBe(DAY_S * 1000);
    const id = started.body.id as number;

    // Out of order, and the last one sent twice: the same bytes again replace it.
    for (const n of [3, 1, 3, 2]) {
      const res = await put(pm, id, n, parts[n - 1]);
      expect(res.status).toBe(200);
    }
    const read = await pm.get(`${base()}/${id}`);
    expect(read.body).toMatchObject({ segments_received: [1, 2, 3], segments_missing: [] });
    expect((await segmentFiles(id)).sort()).toEqual(['1', '2', '3']);

    const done = await complete(pm, id);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ name: 'Level 2 scan.pdf', content_type: 'application/pdf', size: pdf.length, processing_status: expect.stringMatching(/^(queued|processing|ready)$/), uploaded_by: { id: sb.userId('gc_project_manager') } });
    expect(String(done.headers.location)).toMatch(new RegExp(`/rest/v1.0/projects/${p1}/uploads/${done.body.id}$`));
    // The segments are in the upload's file now.
    expect(await segmentFiles(id)).toEqual([]);
    expect(await hasFile(t, done.body.id)).toBe(true);

    const again = await complete(pm, id, { sha256: sha(pdf) });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(done.body.id);
    expect((await t.db.query('SELECT count(*)::int AS n FROM uploads WHERE sha256 = $1', [sha(pdf)])).rows[0].n).toBe(1);
    expect((await pm.get(`${base()}/${id}`)).body).toMatchObject({ status: 'completed', upload_id: done.body.id });
    expectError(await put(pm, id, 1, parts[0]), 422, 'invalid_transition');

    await settle();
    const ready = await pm.get(`/rest/v1.0/projects/${p1}/uploads/${done.body.id}`);
    expect(ready.body).toMatchObject({ processing_status: 'ready', checksum_sha256: sha(pdf) });
    const content = await t.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: ready.body.url, headers: { authorization: `Bearer ${await sb.token('gc_project_manager')}`, 'procore-company-id': String(sb.companyId) } });
    expect(content.rawPayload.equals(pdf)).toBe(true);
    // Attached like any upload.
    const submittal = await pm.post(`/rest/v1.0/projects/${p1}/submittals`, { title: 'Scanned set', upload_ids: [done.body.id] });
    expect(submittal.status).toBe(201);
    expect(submittal.body.attachments).toEqual([expect.objectContaining({ id: done.body.id, processing_status: 'ready' })]);
  });

  it('refuses a segment whose bytes do not match its checksum with 422 checksum_mismatch, keeping nothing of it', async () => {
    const { pdf, parts } = threeParts(40_000, 16_000);
    const id = (await open(pm, { file_name: 'damaged.pdf', size_bytes: pdf.length, segment_bytes: 16_000 })).body.id as number;
    expect((await put(pm, id, 1, parts[0])).status).toBe(200);
    const before = await files(t);
    const damaged = Buffer.from(parts[1]);
    damaged[100] ^= 0xff;
    const res = await put(pm, id, 2, damaged, sha(parts[1]));
    expectError(res, 422, 'checksum_mismatch');
    expect(res.body.error.details).toEqual({ segment_number: 2, expected_sha256: sha(parts[1]), actual_sha256: sha(damaged), size_bytes: damaged.length });
    expect(res.body.error.message).toMatch(/Segment 2 arrived damaged/);
    expect(await rows(id)).toEqual({ uploads: 1, segments: 1 });
    expect((await segmentFiles(id)).sort()).toEqual(['1']);
    expect(await files(t)).toEqual(before);

    // A segment of the wrong size, and a checksum that is not one, are refused by name.
    const short = await put(pm, id, 2, parts[1].subarray(1));
    expectError(short, 422, 'validation_failed');
    expect(fieldsOf(short)).toEqual(['(body)']);
    const noSum = await pm.request('PUT', `${base()}/${id}/segments/2`, { raw: parts[1], headers: { 'content-type': 'application/octet-stream' } });
    expectError(noSum, 422, 'validation_failed');
    expect(fieldsOf(noSum)).toEqual(['X-Segment-Sha256']);
    expect(fieldsOf(await put(pm, id, 4, parts[2]))).toEqual(['segment_number']);
    expect(await files(t)).toEqual(before);
    expect((await pm.get(`${base()}/${id}`)).body.segments_received).toEqual([1]);

    // Refused files are named for diagnose.
    const d = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('gc_project_manager')}&symptom=not_uploading`);
    expect(d.body.findings.find((f: { evidence: { code: string } }) => f.evidence.code === 'checksum_mismatch')).toMatchObject({ cause: 'upload_rejected', evidence: { file_name: 'damaged.pdf' } });
  });

  it('refuses to complete while segments are missing, naming them, and makes no upload; a wrong whole-file checksum or type is refused too', async () => {
    const { pdf, parts } = threeParts(40_000, 16_000);
    const id = (await open(pm, { file_name: 'partial.pdf', size_bytes: pdf.length, segment_bytes: 16_000 })).body.id as number;
    await put(pm, id, 1, parts[0]);
    await put(pm, id, 3, parts[2]);
    const uploads = await uploadCount();
    const res = await complete(pm, id);
    expectError(res, 422, 'segments_missing');
    expect(res.body.error.details).toEqual({ missing: [2], received: 2, segment_count: 3 });
    expect(res.body.error.message).toMatch(/Segment 2 of 3 has not arrived/);
    expect(await uploadCount()).toBe(uploads);

    await put(pm, id, 2, parts[1]);
    const wrongSum = await complete(pm, id, { sha256: sha(Buffer.from('something else')) });
    expectError(wrongSum, 422, 'checksum_mismatch');
    expect(wrongSum.body.error.details).toEqual({ expected_sha256: sha(Buffer.from('something else')), actual_sha256: sha(pdf) });
    expect(await uploadCount()).toBe(uploads);
    expect((await files(t)).temps).toBe(0);
    expect((await complete(pm, id, { sha256: sha(pdf) })).status).toBe(201);

    // A .pdf whose bytes are a PNG: told by its first bytes when it is joined.
    const png = await open(pm, { file_name: 'drawing.pdf', size_bytes: TINY_PNG.length });
    await put(pm, png.body.id, 1, TINY_PNG);
    const mistyped = await complete(pm, png.body.id);
    expectError(mistyped, 415, 'unsupported_file_type');
    expect(mistyped.body.error.message).toMatch(/named \.pdf but its content is a PNG image/);
  });

  it('refuses at the start a file that is unsafe by name, of a type the kind does not take, too large, or cut in an impossible way', async () => {
    expectError(await open(pm, { file_name: '../secret.pdf', size_bytes: 10 }), 422, 'unsafe_file_name');
    expectError(await open(pm, { file_name: 'setup.exe', size_bytes: 10 }), 415, 'unsupported_file_type');
    expectError(await open(pm, { file_name: 'huge.pdf', size_bytes: 60 * 1024 ** 3 }), 413, 'file_too_large');
    const both = await open(pm, { file_name: 'x.pdf', size_bytes: 10, segment_count: 2, segment_bytes: 5 });
    expectError(both, 422, 'validation_failed');
    expect(fieldsOf(both).sort()).toEqual(['segment_bytes', 'segment_count']);
    expect(fieldsOf(await open(pm, { file_name: 'x.pdf', size_bytes: 9, segment_count: 4 }))).toEqual(['segment_count']);
    expect(fieldsOf(await open(pm, { file_name: 'x.pdf', size_bytes: 10, color: 'red' }))).toEqual(['color']);
    // A photo takes an image's extensions only.
    expectError(await open(pm, { file_name: 'site.pdf', kind: 'photo', size_bytes: 10 }), 415, 'unsupported_file_type');
  });

  it('is for project members as POST .../uploads is, and each segmented upload is its opener’s alone', async () => {
    const p2 = sb.project('second');
    // The architect is not a member of the second project.
    const architect = await sb.as('architect');
    expectError(await open(architect, { file_name: 'x.pdf', size_bytes: 10 }, p2), 403, 'not_project_member');
    // A read-only member (the owner's representative) may upload, but not into someone else's segmented upload.
    const pdf = samplePdf(4000);
    const id = (await open(pm, { file_name: 'mine.pdf', size_bytes: pdf.length })).body.id as number;
    const owner = await sb.as('owner_rep');
    expectError(await owner.get(`${base()}/${id}`), 404, 'not_found');
    expectError(await put(owner, id, 1, pdf), 404, 'not_found');
    expectError(await complete(owner, id), 404, 'not_found');
    expect((await rows(id)).segments).toBe(0);
    const theirs = await open(owner, { file_name: 'owner notes.pdf', size_bytes: pdf.length });
    expect(theirs.status).toBe(201);
    // Under another project's address it is not there, even for its opener.
    expectError(await pm.get(`${base(p2)}/${id}`), 404, 'not_found');
    expectError(await put(pm, id, 1, pdf, sha(pdf), p2), 404, 'not_found');
    // Another company's user does not reach the project at all.
    const outsider = await (await TrainingSandbox.create(api, 'segmented-outsider')).as('gc_project_manager');
    expectError(await open(outsider, { file_name: 'x.pdf', size_bytes: 10 }), 404, 'not_found');
  });

  it('expires on the sandbox clock: advancing it past expires_at runs the expiry, which deletes the rows and the segments; calls then answer 404', async () => {
    const { pdf, parts } = threeParts(40_000, 16_000);
    const started = await open(pm, { file_name: 'abandoned.pdf', size_bytes: pdf.length, segment_bytes: 16_000 });
    const id = started.body.id as number;
    await put(pm, id, 1, parts[0]);
    await put(pm, id, 2, parts[1]);
    expect(await segmentFiles(id)).toHaveLength(2);
    // The expiry is a timer, not work in progress: settle does not wait a day for it.
    await settle();
    const jobs = await api.get(`/_sim/jobs?project_id=${p1}`, { token: sb.info.sandbox_token });
    expect(jobs.body.jobs ?? jobs.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'uploads.expire-segmented', state: 'delayed', due_at: started.body.expires_at })]));

    // An hour short of its time nothing happens.
    const early = await advance(DAY_S - 3600);
    expect(early.body.jobs_run.filter((j: { name: string }) => j.name === 'uploads.expire-segmented')).toEqual([]);
    expect((await pm.get(`${base()}/${id}`)).status).toBe(200);

    const advanced = await advance(2 * 3600);
    expect(advanced.body.jobs_run).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'uploads.expire-segmented', state: 'completed', due_at: started.body.expires_at })]));
    expect(await rows(id)).toEqual({ uploads: 0, segments: 0 });
    expect(await segmentFiles(id)).toEqual([]);
    expect((await t.db.query('SELECT count(*)::int AS n FROM content_gone')).rows[0].n).toBe(0);
    for (const res of [await pm.get(`${base()}/${id}`), await put(pm, id, 3, parts[2]), await complete(pm, id)]) {
      expectError(res, 404, 'not_found');
      expect(res.body.error.message).toMatch(/expired and was deleted with its segments/);
    }
    expect((await files(t)).temps).toBe(0);
  });

  it('answers 410 upload_expired for one whose time is up but that is not deleted yet (its expiry job failing)', async () => {
    const fault = await api.post('/_sim/faults', { target: 'job', job_name: 'uploads.expire-segmented', effect: 'fail', probability: 1, project_id: p1 }, { token: sb.info.sandbox_token });
    expect(fault.status).toBe(201);
    const { pdf, parts } = threeParts(40_000, 16_000);
    const id = (await open(pm, { file_name: 'late.pdf', size_bytes: pdf.length, segment_bytes: 16_000 })).body.id as number;
    await put(pm, id, 1, parts[0]);
    await advance(DAY_S + 60);
    for (const res of [await pm.get(`${base()}/${id}`), await put(pm, id, 2, parts[1]), await complete(pm, id)]) {
      expectError(res, 410, 'upload_expired');
      expect(res.body.error.message).toMatch(new RegExp(`Segmented upload ${id} expired at`));
    }
    expect(await rows(id)).toEqual({ uploads: 1, segments: 1 });
    await api.delete(`/_sim/faults/${fault.body.id}`, { token: sb.info.sandbox_token });
  });

});
