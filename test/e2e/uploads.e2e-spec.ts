import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { QueueRegistry } from '../../src/queues/queue-registry';
import sharp from 'sharp';
import { multipartBody, PartSpec, samplePdf } from '../../src/uploads/multipart-body';
import { MAX_FILES_PER_REQUEST } from '../../src/uploads/upload-receiver';
import { ApiClient, Answer } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { dropMidUpload } from '../support/dropped-upload';
import { TINY_PNG } from '../support/images';
import { TrainingSandbox } from '../support/sandbox';
import { files, hasFile } from '../support/storage';
import { TestApp } from '../support/test-app';

const PNG = TINY_PNG;
const IDLE_MS = 400;

describe('Uploads and attachments: streaming receive, refusals, processing, visibility', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let p1: number;
  let pm: ApiClient;
  let architect: ApiClient;
  let sub: ApiClient;

  const uploadsUrl = () => `/rest/v1.0/projects/${p1}/uploads`;
  const upload = (client: ApiClient, name: string, data: Buffer, part = 'file', url = uploadsUrl()): Promise<Answer> => {
    const { body, contentType } = multipartBody([{ name: part, filename: name, data }]);
    return client.request('POST', url, { raw: body, headers: { 'content-type': contentType } });
  };
  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p1}&timeout_ms=30000`, undefined, { token: sb.info.sandbox_token })).status).toBe(200);
  const stored = async () => {
    const { rows } = await t.db.query('SELECT (SELECT count(*) FROM uploads)::int AS uploads, (SELECT count(*) FROM outbox WHERE name = $1)::int AS jobs', ['uploads.process-attachment']);
    return { ...(rows[0] as { uploads: number; jobs: number }), ...(await files(t)) };
  };
  const settings = (patch: Record<string, unknown>) => api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, patch);

  beforeAll(async () => {
    t = await TestApp.start({ env: { SIM_UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS) } });
    api = t.client();
    sb = await TrainingSandbox.create(api, 'uploads');
    await sb.relaxLimits();
    expect((await settings({ latency_profile: 'instant' })).status).toBe(200);
    p1 = sb.project();
    [pm, architect, sub] = await Promise.all([sb.as('gc_project_manager'), sb.as('architect'), sb.as('subcontractor')]);
  });
  afterAll(() => t.stop());

  it('decodes an image for real: its upright size, EXIF time and GPS position, and a thumbnail; a truncated JPEG ends failed', async () => {
    // 640×480 taken on its side (orientation 6): shown 480×640
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#4a6' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD2: { DateTimeOriginal: '2026:11:30 14:05:09' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 26/1 4632/100', GPSLongitudeRef: 'W', GPSLongitude: '79/1 58/1 3600/100' } })
      .toBuffer();
    const res = await upload(pm, 'slab pour.jpg', photo);
    expect(res.status).toBe(201);
    expect(res.body.image).toBeNull();
    await settle();
    const ready = await pm.get(`${uploadsUrl()}/${res.body.id}`);
    expect(ready.body).toMatchObject({
      processing_status: 'ready',
      image: { width: 480, height: 640, orientation: 6, taken_at: '2026-11-30T14:05:09.000Z', location: { latitude: 40.4462, longitude: -79.976667 }, thumbnail_url: `${uploadsUrl()}/${res.body.id}/thumbnail` },
    });
    const thumb = await pm.get(ready.body.image.thumbnail_url);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const raw = (await t.db.query(`SELECT width, height, length(content)::int AS n FROM upload_renditions WHERE upload_id = $1`, [res.body.id])).rows[0];
    expect(raw).toMatchObject({ width: 240, height: 320 });
    expect(Number(thumb.headers['content-length'])).toBe(raw.n);
    // a PDF has no image facts and no thumbnail
    const pdf = await upload(pm, 'notes.pdf', samplePdf(2048));
    await settle();
    expect((await pm.get(`${uploadsUrl()}/${pdf.body.id}`)).body.image).toBeNull();
    expectError(await pm.get(`${uploadsUrl()}/${pdf.body.id}/thumbnail`), 404, 'not_found');
    // the first half of a JPEG passes the type check but does not decode
    const truncated = await upload(pm, 'cut off.jpg', photo.subarray(0, Math.floor(photo.length / 2)));
    expect(truncated.status).toBe(201);
    await settle();
    const failed = await pm.get(`${uploadsUrl()}/${truncated.body.id}`);
    expect(failed.body).toMatchObject({ processing_status: 'failed', image: null, processing_error: expect.stringContaining('the image cannot be decoded') });
  });

  it('receives a file (v1.0 and v1.1), queues its processing, and makes it ready with the content it received', async () => {
    const pdf = samplePdf(3 * 1024 * 1024 + 123);
    const res = await upload(pm, 'Spec section 23 05 00.pdf', pdf);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Spec section 23 05 00.pdf',
      content_type: 'application/pdf',
      size: pdf.length,
      processing_status: 'queued',
      url: null,
      attached_to: null,
      uploaded_by: { id: sb.userId('gc_project_manager') },
    });
    const v11 = await upload(pm, 'photo.png', PNG, 'attachments[]', `/rest/v1.1/projects/${p1}/uploads`);
    expect(v11.status).toBe(201);
    expect(v11.body.content_type).toBe('image/png');

    await settle();
    const ready = await pm.get(`${uploadsUrl()}/${res.body.id}`);
    expect(ready.body).toMatchObject({ processing_status: 'ready', processing_error: null, checksum_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), url: `/rest/v1.0/projects/${p1}/uploads/${res.body.id}/content` });
    // The content is a file named by the upload's id, nothing of it left in tmp.
    expect((await stat(join(t.config.storageDir, String(res.body.id)))).size).toBe(pdf.length);
    expect((await t.db.query('SELECT count(*)::int AS n FROM upload_chunks')).rows[0].n).toBe(0);
    const content = await t.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: ready.body.url, headers: { authorization: `Bearer ${await sb.token('gc_project_manager')}`, 'procore-company-id': String(sb.companyId) } });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toBe('application/pdf');
    expect(content.rawPayload.equals(pdf)).toBe(true);
  });

  it('refuses an empty, oversized, mistyped or badly named file with its own code, and keeps nothing of it', async () => {
    expect((await settings({ upload_limits: { attachment_bytes: 256 * 1024 } })).status).toBe(200);
    const before = await stored();
    expectError(await upload(pm, 'blank.pdf', Buffer.alloc(0)), 422, 'empty_file');
    const big = await upload(pm, 'huge.pdf', samplePdf(300 * 1024));
    expectError(big, 413, 'file_too_large');
    expect(big.body.error.details).toMatchObject({ limit_bytes: 256 * 1024 });
    const mismatch = await upload(pm, 'drawing.pdf', PNG);
    expectError(mismatch, 415, 'unsupported_file_type');
    expect(mismatch.body.error.message).toMatch(/named \.pdf but its content is a PNG image/);
    expectError(await upload(pm, 'setup.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 1)])), 415, 'unsupported_file_type');
    expectError(await upload(pm, 'tool.pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 1)])), 415, 'unsupported_file_type');
    for (const name of ['../../etc/passwd.pdf', '.hidden.pdf', 'a<b>.pdf', 'CON.pdf']) expectError(await upload(pm, name, samplePdf()), 422, 'unsafe_file_name');
    const noFile = multipartBody([{ name: 'description', data: 'hello' }]);
    const fieldOnly = await pm.request('POST', uploadsUrl(), { raw: noFile.body, headers: { 'content-type': noFile.contentType } });
    expectError(fieldOnly, 422, 'validation_failed');
    expect(fieldsOf(fieldOnly)).toEqual(['description']);
    expectError(await pm.post(uploadsUrl(), { file: 'x' }), 400, 'invalid_request');
    expect(await stored()).toEqual(before);

    const d = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('gc_project_manager')}&symptom=not_uploading`);
    expect(d.status).toBe(200);
    expect(d.body.findings[0].cause).toBe('upload_rejected');
    const codes = d.body.findings.filter((f: { cause: string }) => f.cause === 'upload_rejected').map((f: { evidence: { code: string } }) => f.evidence.code);
    expect(codes).toEqual(expect.arrayContaining(['empty_file', 'file_too_large', 'unsupported_file_type', 'unsafe_file_name']));
    const tooBig = d.body.findings.find((f: { evidence: { code: string } }) => f.evidence.code === 'file_too_large');
    expect(tooBig.fix.join(' ')).toMatch(/upload_limits\.attachment_bytes/);
    expect((await settings({ upload_limits: { attachment_bytes: 50 * 1024 * 1024 } })).status).toBe(200);
  });

  it('cuts off a stalled upload with 408, refuses uploads past the concurrent limit with 429 and Retry-After, and stores nothing of either', async () => {
    expect((await settings({ upload_limits: { concurrent_per_user: 1 } })).status).toBe(200);
    const before = await stored();
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'slow.pdf', data: samplePdf(64 * 1024) }]);
    const stream = new PassThrough();
    stream.write(body.subarray(0, 20 * 1024)); // part of the file, then nothing more
    const stalled = t.app.getHttpAdapter().getInstance().inject({
      method: 'POST',
      url: uploadsUrl(),
      headers: { authorization: `Bearer ${await sb.token('superintendent')}`, 'procore-company-id': String(sb.companyId), 'content-type': contentType },
      payload: stream,
    });
    await new Promise((r) => setTimeout(r, IDLE_MS / 4));
    const superintendent = await sb.as('superintendent');
    const second = await upload(superintendent, 'second.pdf', samplePdf());
    expectError(second, 429, 'too_many_uploads');
    expect(second.headers['retry-after']).toBe('5');
    const first = await stalled;
    expect(first.statusCode).toBe(408);
    expect(JSON.parse(first.body)).toMatchObject({ error: { code: 'upload_interrupted' } });
    stream.destroy();
    // The slot is free again once the stalled upload is over.
    expect((await upload(superintendent, 'third.pdf', samplePdf())).status).toBe(201);
    const after = await stored();
    expect(after.uploads).toBe(before.uploads + 1);
    expect((await settings({ upload_limits: { concurrent_per_user: 5 } })).status).toBe(200);

    const d = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('superintendent')}&symptom=not_uploading`);
    expect(d.body.findings.map((f: { cause: string }) => f.cause)).toEqual(expect.arrayContaining(['upload_interrupted', 'upload_rejected']));
    expect(d.body.findings.find((f: { evidence: { code: string } }) => f.evidence.code === 'too_many_uploads').fix.join(' ')).toMatch(/Retry-After/);
  });

  it('keeps nothing when the client disconnects half-way through (a real socket)', async () => {
    const before = await stored();
    await dropMidUpload(t.app, { url: uploadsUrl(), token: await sb.token('owner_rep'), companyId: sb.companyId, fileName: 'dropped.pdf', data: samplePdf(2 * 1024 * 1024), sendBytes: 1024 * 1024 + 512 });
    let refusals: { code: string }[] = [];
    for (let i = 0; i < 100 && !refusals.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      refusals = (await t.db.query('SELECT code FROM upload_refusals WHERE user_id = $1', [sb.userId('owner_rep')])).rows;
    }
    expect(refusals).toEqual([{ code: 'upload_interrupted' }]);
    expect(await stored()).toEqual(before);
    const d = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('owner_rep')}&symptom=not_uploading`);
    expect(d.body.findings[0]).toMatchObject({ cause: 'upload_interrupted', evidence: { code: 'upload_interrupted', file_name: 'dropped.pdf' } });
  });

  it('attaches uploads to RFIs and replies: the uploader sees them processing, others once ready, never on an RFI they may not see', async () => {
    expect((await settings({ latency_profile: { uploads: { distribution: 'fixed', ms: 60_000 } } })).status).toBe(200);
    const file = await upload(pm, 'detail.pdf', samplePdf());
    const rfi = await pm.post(`/rest/v1.0/projects/${p1}/rfis`, {
      subject: 'Roof drain detail',
      question: 'See the attached detail.',
      rfi_manager_id: sb.userId('gc_project_manager'),
      assignee_ids: [sb.userId('architect')],
      private: true,
      draft: false,
      upload_ids: [file.body.id],
    });
    expect(rfi.status).toBe(201);
    expect(rfi.body.attachments).toEqual([expect.objectContaining({ id: file.body.id, processing_status: 'queued', url: null })]);
    expect((await architect.get(`/rest/v1.0/projects/${p1}/rfis/${rfi.body.id}`)).body.attachments).toEqual([]);
    expectError(await architect.get(`${uploadsUrl()}/${file.body.id}`), 404, 'not_found');

    const d = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${sb.userId('architect')}&symptom=not_visible&tool=rfis&item_id=${rfi.body.id}`);
    expect(d.body.findings[0]).toMatchObject({ cause: 'attachment_processing', item: { id: rfi.body.id }, evidence: { upload: { id: file.body.id, processing_status: 'queued' }, job: { name: 'uploads.process-attachment' } } });

    expect((await settings({ latency_profile: 'instant' })).status).toBe(200);
    // The queue delay is over (as if a minute had passed).
    const { rows } = await t.db.query(`SELECT job_id FROM outbox WHERE name = 'uploads.process-attachment' AND (payload->>'uploadId')::int = $1`, [file.body.id]);
    await (await t.app.get(QueueRegistry).get('uploads').getJob(rows[0].job_id))!.promote();
    await settle();

    const seen = await architect.get(`/rest/v1.0/projects/${p1}/rfis/${rfi.body.id}`);
    expect(seen.body.attachments).toEqual([expect.objectContaining({ id: file.body.id, processing_status: 'ready', name: 'detail.pdf' })]);
    const list = await architect.get(`/rest/v1.0/projects/${p1}/rfis?per_page=1000`);
    expect(list.body.find((r: { id: number }) => r.id === rfi.body.id).attachments).toHaveLength(1);
    // The subcontractor is in the project but not on this private RFI.
    expectError(await sub.get(`${uploadsUrl()}/${file.body.id}`), 403, 'permission_denied');

    const replyFile = await upload(architect, 'markup.png', PNG);
    const reply = await architect.post(`/rest/v1.0/projects/${p1}/rfis/${rfi.body.id}/replies`, { body: 'Marked up.', draft: true, upload_ids: [replyFile.body.id] });
    expect(reply.status).toBe(201);
    expect(reply.body.attachments).toHaveLength(1);
    await settle();
    // A draft reply's file is its author's alone, like the reply.
    expectError(await pm.get(`${uploadsUrl()}/${replyFile.body.id}`), 403, 'permission_denied');
    await architect.patch(`/rest/v1.0/projects/${p1}/rfis/${rfi.body.id}/replies/${reply.body.id}`, { draft: false });
    expect((await pm.get(`${uploadsUrl()}/${replyFile.body.id}`)).body.processing_status).toBe('ready');
    const replies = await pm.get(`/rest/v1.0/projects/${p1}/rfis/${rfi.body.id}/replies`);
    expect(replies.body[0].attachments).toEqual([expect.objectContaining({ id: replyFile.body.id })]);

    // Deleting the RFI deletes its files and theirs: the rows at once, the files by the job queued with the deletion.
    expect(await hasFile(t, file.body.id)).toBe(true);
    expect((await pm.delete(`/rest/v1.0/projects/${p1}/rfis/${rfi.body.id}`)).status).toBe(204);
    const left = await t.db.query('SELECT count(*)::int AS n FROM uploads WHERE id = ANY($1)', [[file.body.id, replyFile.body.id]]);
    expect(left.rows[0].n).toBe(0);
    await settle();
    expect([await hasFile(t, file.body.id), await hasFile(t, replyFile.body.id)]).toEqual([false, false]);
  });

  it('refuses upload_ids that are unknown, someone else’s or already attached, naming the field, and attaches nothing', async () => {
    const mine = await upload(pm, 'mine.pdf', samplePdf());
    const theirs = await upload(architect, 'theirs.pdf', samplePdf());
    const url = `/rest/v1.0/projects/${p1}/submittals`;
    for (const ids of [[999999], [theirs.body.id], [mine.body.id, theirs.body.id]]) {
      const res = await pm.post(url, { title: 'Door hardware', upload_ids: ids });
      expectError(res, 422, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['upload_ids']);
    }
    expectError(await pm.post(url, { title: 'Door hardware', upload_ids: ['x'] }), 422, 'validation_failed');
    const { rows } = await t.db.query('SELECT attached_to_id FROM uploads WHERE id = $1', [mine.body.id]);
    expect(rows[0].attached_to_id).toBeNull();
    const ok = await pm.post(url, { title: 'Door hardware', upload_ids: [mine.body.id] });
    expect(ok.status).toBe(201);
    expect(ok.body.attachments).toEqual([expect.objectContaining({ id: mine.body.id })]);
    const again = await pm.post(url, { title: 'Door hardware 2', upload_ids: [mine.body.id] });
    expectError(again, 422, 'validation_failed');
    expect(again.body.error.details.fields[0].message).toMatch(/already attached to submittal/);
  });

  it('marks an upload failed, with the reason, when its job fails every attempt; it cannot be attached', async () => {
    const fault = await api.post('/_sim/faults', { target: 'job', job_name: 'uploads.process-attachment', effect: 'fail', probability: 1, project_id: p1 }, { token: sb.info.sandbox_token });
    expect(fault.status).toBe(201);
    const res = await upload(pm, 'corrupt.pdf', samplePdf());
    await settle();
    const failed = await pm.get(`${uploadsUrl()}/${res.body.id}`);
    expect(failed.body).toMatchObject({ processing_status: 'failed', processing_error: expect.stringMatching(/injected/i), url: null });
    await api.delete(`/_sim/faults/${fault.body.id}`, { token: sb.info.sandbox_token });
    const attach = await pm.post(`/rest/v1.0/projects/${p1}/submittals`, { title: 'Louvers', upload_ids: [res.body.id] });
    expectError(attach, 422, 'validation_failed');
    expect(attach.body.error.details.fields[0].message).toMatch(/failed processing/);
  });

  describe('files as parts of the item routes (multipart create and update)', () => {
    const form = (client: ApiClient, method: string, url: string, parts: PartSpec[], headers: Record<string, string> = {}): Promise<Answer> => {
      const { body, contentType } = multipartBody(parts);
      return client.request(method, url, { raw: body, headers: { ...headers, 'content-type': contentType } });
    };
    const rfisUrl = () => `/rest/v1.0/projects/${p1}/rfis`;
    const text = (name: string, data: string | number | boolean | object): PartSpec => ({ name, data: typeof data === 'string' ? data : JSON.stringify(data) });
    const rfiParts = (subject: string): PartSpec[] => [
      text('subject', subject),
      text('question', 'Which anchor bolts, per the attached?'),
      text('rfi_manager_id', sb.userId('gc_project_manager')),
      text('assignee_ids[]', sb.userId('architect')),
      text('assignee_ids[]', sb.userId('superintendent')),
      text('draft', false),
      text('cost_impact', { status: 'tbd' }),
    ];
    const rfiCount = async () => (await t.db.query('SELECT count(*)::int AS n FROM rfis WHERE project_id = $1', [p1])).rows[0].n as number;

    it('creates an RFI from text parts and its files, queues their processing with the RFI, and shows them once ready', async () => {
      const before = await stored();
      const res = await form(pm, 'POST', rfisUrl(), [
        ...rfiParts('Anchor bolts'),
        { name: 'attachments[]', filename: 'S-201.pdf', data: samplePdf(5000) },
        { name: 'attachments[]', filename: 'site photo.png', data: PNG },
      ]);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        subject: 'Anchor bolts',
        status: 'open',
        private: false,
        cost_impact: { status: 'tbd' },
      });
      expect(res.body.assignees.map((u: { id: number }) => u.id).sort()).toEqual([sb.userId('architect'), sb.userId('superintendent')].sort());
      // Under the instant profile their jobs may already be running when the RFI is answered.
      const inFlight = expect.stringMatching(/^(queued|processing|ready)$/);
      expect(res.body.attachments.map((a: { name: string; processing_status: string }) => [a.name, a.processing_status])).toEqual([
        ['S-201.pdf', inFlight],
        ['site photo.png', inFlight],
      ]);
      const after = await stored();
      expect(after.uploads - before.uploads).toBe(2);
      expect(after.jobs - before.jobs).toBe(2);
      const { rows } = await t.db.query('SELECT held_until_attached AS held, attached_to_type AS type FROM uploads WHERE attached_to_id = $1 ORDER BY id', [res.body.id]);
      expect(rows).toEqual([
        { held: false, type: 'rfi' },
        { held: false, type: 'rfi' },
      ]);
      await settle();
      const seen = await architect.get(`${rfisUrl()}/${res.body.id}`);
      expect(seen.body.attachments.map((a: { processing_status: string }) => a.processing_status)).toEqual(['ready', 'ready']);
    });

    it('keeps no file, row or job when the item is refused: invalid fields, a wrong file, a stale version, no permission', async () => {
      const before = await stored();
      const rfis = await rfiCount();
      const file = { name: 'file', filename: 'detail.pdf', data: samplePdf() };

      const missing = await form(pm, 'POST', rfisUrl(), [text('question', 'No subject'), file]);
      expectError(missing, 422, 'validation_failed');
      expect(fieldsOf(missing)).toContain('subject');
      const badType = await form(pm, 'POST', rfisUrl(), [...rfiParts('Wrong type'), text('private', 'yes'), file]);
      expectError(badType, 422, 'validation_failed');
      expect(fieldsOf(badType)).toEqual(['private']);
      const twice = await form(pm, 'POST', rfisUrl(), [...rfiParts('Twice'), text('subject', 'again'), file]);
      expectError(twice, 422, 'validation_failed');
      expect(twice.body.error.message).toMatch(/subject is sent more than once/);
      expectError(await form(pm, 'POST', rfisUrl(), [...rfiParts('Bad file'), { name: 'file', filename: 'drawing.pdf', data: PNG }]), 415, 'unsupported_file_type');
      expectError(await form(pm, 'POST', rfisUrl(), [...rfiParts('Odd part'), { name: 'photo', filename: 'x.pdf', data: samplePdf() }]), 422, 'validation_failed');
      const eleven = Array.from({ length: MAX_FILES_PER_REQUEST + 1 }, (_, i) => ({ name: 'attachments[]', filename: `sheet-${i}.pdf`, data: samplePdf() }));
      const tooMany = await form(pm, 'POST', rfisUrl(), [...rfiParts('Too many files'), ...eleven]);
      expectError(tooMany, 422, 'validation_failed');
      expect(tooMany.body.error.message).toMatch(new RegExp(`at most ${MAX_FILES_PER_REQUEST} files`));
      const unknown = await form(pm, 'POST', rfisUrl(), [...rfiParts('Unknown person'), text('distribution_ids[]', 999999), file]);
      expectError(unknown, 422, 'validation_failed');
      expect(fieldsOf(unknown)).toEqual(['distribution_ids']);
      // Read-only on RFIs: refused before the stream is read.
      expectError(await form(await sb.as('owner_rep'), 'POST', rfisUrl(), [...rfiParts('No permission'), file]), 403, 'permission_denied');

      const rfi = await pm.post(rfisUrl(), { subject: 'Versioned', question: 'q', rfi_manager_id: sb.userId('gc_project_manager'), assignee_ids: [sb.userId('architect')], draft: false });
      const stale = await form(pm, 'PATCH', `${rfisUrl()}/${rfi.body.id}`, [text('subject', 'Edited'), file], { 'if-match': `"${rfi.body.version + 5}"` });
      expectError(stale, 409, 'edit_conflict');
      expect(await rfiCount()).toBe(rfis + 1);
      expect(await stored()).toEqual(before);

      // Nothing of the refused files is left over for the uploader either.
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM uploads WHERE held_until_attached');
      expect(rows[0].n).toBe(0);
    });

    it('takes a form with many text parts (a long distribution list) and refuses one with too many by name', async () => {
      const many = Array.from({ length: 60 }, () => text('distribution_ids[]', sb.userId('owner_rep')));
      const res = await form(pm, 'POST', rfisUrl(), [...rfiParts('Wide distribution'), ...many, { name: 'file', filename: 'dist.pdf', data: samplePdf() }]);
      expect(res.status).toBe(201);
      expect(res.body.distribution).toEqual([expect.objectContaining({ id: sb.userId('owner_rep') })]);
      const before = await stored();
      const tooMany = await form(pm, 'POST', rfisUrl(), [...rfiParts('Too wide'), ...Array.from({ length: 201 }, () => text('distribution_ids[]', sb.userId('owner_rep')))]);
      expectError(tooMany, 422, 'validation_failed');
      expect(fieldsOf(tooMany)).toEqual(['(body)']);
      expect(await stored()).toEqual(before);
    });

    it('cuts off a form that stops between its parts with 408, keeping nothing of it', async () => {
      const before = await stored();
      const rfis = await rfiCount();
      const { body, contentType } = multipartBody([...rfiParts('Stalled form'), { name: 'file', filename: 'late.pdf', data: samplePdf() }]);
      const stream = new PassThrough();
      stream.write(body.subarray(0, body.indexOf('late.pdf') - 60)); // the text parts, then nothing more
      const stalled = await t.app.getHttpAdapter().getInstance().inject({
        method: 'POST',
        url: rfisUrl(),
        headers: { authorization: `Bearer ${await sb.token('gc_project_manager')}`, 'procore-company-id': String(sb.companyId), 'content-type': contentType },
        payload: stream,
      });
      stream.destroy();
      expect(stalled.statusCode).toBe(408);
      expect(JSON.parse(stalled.body)).toMatchObject({ error: { code: 'upload_interrupted' } });
      expect(await stored()).toEqual(before);
      expect(await rfiCount()).toBe(rfis);
    });

    it('adds files to an RFI on update and to a reply on create and submit, with `version` as a text part', async () => {
      const rfi = await pm.post(rfisUrl(), { subject: 'Curtain wall', question: 'q', rfi_manager_id: sb.userId('gc_project_manager'), assignee_ids: [sb.userId('architect')], draft: false });
      const edited = await form(pm, 'PATCH', `${rfisUrl()}/${rfi.body.id}`, [text('version', rfi.body.version), text('subject', 'Curtain wall anchors'), { name: 'file', filename: 'CW-1.pdf', data: samplePdf() }]);
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ subject: 'Curtain wall anchors', version: rfi.body.version + 1 });
      expect(edited.body.attachments.map((a: { name: string }) => a.name)).toEqual(['CW-1.pdf']);

      const repliesUrl = `${rfisUrl()}/${rfi.body.id}/replies`;
      const reply = await form(architect, 'POST', repliesUrl, [text('body', 'See markup.'), text('draft', true), { name: 'file', filename: 'markup.png', data: PNG }]);
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ body: 'See markup.', draft: true, attachments: [expect.objectContaining({ name: 'markup.png' })] });
      const submitted = await form(architect, 'PATCH', `${repliesUrl}/${reply.body.id}`, [text('draft', false), { name: 'file', filename: 'markup-2.png', data: PNG }]);
      expect(submitted.status).toBe(200);
      expect(submitted.body.attachments.map((a: { name: string }) => a.name)).toEqual(['markup.png', 'markup-2.png']);
      await settle();
      const replies = await pm.get(repliesUrl);
      expect(replies.body[0].attachments.map((a: { processing_status: string }) => a.processing_status)).toEqual(['ready', 'ready']);
    });

    it('creates a submittal with its workflow as a JSON text part and files, alongside earlier uploads by upload_ids', async () => {
      const earlier = await upload(pm, 'cut sheet.pdf', samplePdf());
      const res = await form(pm, 'POST', `/rest/v1.1/projects/${p1}/submittals`, [
        text('title', 'Louvers'),
        text('workflow', [{ approvers: [{ user_id: sb.userId('architect'), required: true }] }]),
        text('upload_ids', [earlier.body.id]),
        { name: 'file', filename: 'shop drawing.pdf', data: samplePdf() },
      ]);
      expect(res.status).toBe(201);
      expect(res.body.workflow).toHaveLength(1);
      expect(res.body.attachments.map((a: { name: string }) => a.name)).toEqual(['cut sheet.pdf', 'shop drawing.pdf']);
      const edited = await form(pm, 'PATCH', `/rest/v1.0/projects/${p1}/submittals/${res.body.id}`, [{ name: 'attachments[]', filename: 'rev note.pdf', data: samplePdf() }]);
      expect(edited.status).toBe(200);
      expect(edited.body.attachments).toHaveLength(3);
    });

    it('stores the files once for an Idempotency-Key replay, and knows another form under the same key', async () => {
      const parts = [...rfiParts('Idempotent'), { name: 'file', filename: 'once.pdf', data: samplePdf() }];
      const first = await form(pm, 'POST', rfisUrl(), parts, { 'idempotency-key': `multipart-${p1}` });
      expect(first.status).toBe(201);
      const before = await stored();
      const again = await form(pm, 'POST', rfisUrl(), parts, { 'idempotency-key': `multipart-${p1}` });
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      expect(await stored()).toEqual(before);
      // The same key with another file (or other fields) is another request.
      const otherFile = await form(pm, 'POST', rfisUrl(), [...rfiParts('Idempotent'), { name: 'file', filename: 'once.pdf', data: samplePdf(3000) }], { 'idempotency-key': `multipart-${p1}` });
      expectError(otherFile, 422, 'idempotency_key_reused');
      const otherField = await form(pm, 'POST', rfisUrl(), [...rfiParts('Idempotent, edited'), { name: 'file', filename: 'once.pdf', data: samplePdf() }], { 'idempotency-key': `multipart-${p1}` });
      expectError(otherField, 422, 'idempotency_key_reused');
      expect(await stored()).toEqual(before);
    });

    it('refuses multipart on routes that take no files, and from an offline device, storing nothing', async () => {
      const before = await stored();
      const rfi = await pm.post(rfisUrl(), { subject: 'Close me', question: 'q', rfi_manager_id: sb.userId('gc_project_manager'), assignee_ids: [sb.userId('architect')], draft: false });
      const close = await form(pm, 'POST', `${rfisUrl()}/${rfi.body.id}/actions/close`, [text('version', rfi.body.version), { name: 'file', filename: 'x.pdf', data: samplePdf() }]);
      expectError(close, 400, 'invalid_request');
      expect(close.body.error.message).toMatch(/takes application\/json/);
      expect((await pm.get(`${rfisUrl()}/${rfi.body.id}`)).body.status).toBe('open');

      expect((await pm.get(rfisUrl(), { headers: { 'x-device-id': 'tablet-1' } })).status).toBe(200);
      expect((await api.post(`/_sim/devices/tablet-1/actions/go_offline`, undefined, { token: sb.info.sandbox_token })).status).toBeLessThan(300);
      const offline = await form(pm, 'POST', rfisUrl(), [...rfiParts('From the field'), { name: 'file', filename: 'field.pdf', data: samplePdf() }], { 'x-device-id': 'tablet-1' });
      expectError(offline, 400, 'invalid_request');
      expect(offline.body.error.message).toMatch(/offline/);
      expect(await stored()).toEqual(before);
    });
  });

  it('takes uploads from active project members only', async () => {
    const other = await TrainingSandbox.create(api, 'uploads-outsider');
    const outsider = await other.as('gc_project_manager');
    // A project of another company is not there for them.
    expectError(await upload(outsider, 'x.pdf', samplePdf()), 404, 'not_found');
    // The subcontractor is not a member of the second project.
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'x.pdf', data: samplePdf() }]);
    const res = await sub.request('POST', `/rest/v1.0/projects/${sb.project('second')}/uploads`, { raw: body, headers: { 'content-type': contentType } });
    expectError(res, 403, 'not_project_member');
  });

  it('keeps content as files: a reset removes those of the uploads it deletes and reseeds the photos with theirs, a delete removes them all', async () => {
    const other = await TrainingSandbox.create(api, 'uploads-files');
    const seededUploads = async () =>
      (await t.db.query(`SELECT id, sha256 FROM uploads WHERE company_id = $1 AND kind = 'photo' ORDER BY id`, [other.companyId])).rows as { id: number; sha256: string }[];
    const seeded = await seededUploads();
    expect(seeded).toHaveLength(4);
    expect(await Promise.all(seeded.map((u) => hasFile(t, u.id)))).toEqual([true, true, true, true]);
    const owner = await other.as('gc_project_manager');
    const mine = await upload(owner, 'site plan.pdf', samplePdf(), 'file', `/rest/v1.0/projects/${other.project()}/uploads`);
    expect(mine.status).toBe(201);
    expect(await hasFile(t, mine.body.id)).toBe(true);

    expect((await api.post(`/_sim/sandboxes/${other.info.id}/actions/reset`)).status).toBe(200);
    expect(await hasFile(t, mine.body.id)).toBe(false);
    const reseeded = await seededUploads();
    expect(reseeded.map((u) => u.id)).toEqual(seeded.map((u) => u.id));
    for (const u of reseeded) {
      // Each reseeded photo's file holds what its row says (a new JPEG: its EXIF time is the reset's).
      const bytes = await readFile(join(t.config.storageDir, String(u.id)));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(u.sha256);
    }

    expect((await api.delete(`/_sim/sandboxes/${other.info.id}`)).status).toBe(204);
    expect(await Promise.all(reseeded.map((u) => hasFile(t, u.id)))).toEqual([false, false, false, false]);
    expect((await t.db.query('SELECT count(*)::int AS n FROM content_gone')).rows[0].n).toBe(0);
    expect((await files(t)).temps).toBe(0);
  });
});
