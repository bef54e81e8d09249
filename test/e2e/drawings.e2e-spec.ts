import sharp from 'sharp';
import { drawingSetPdf } from '../../src/drawings/sample-drawings';
import { multipartBody, PartSpec, samplePdf } from '../../src/uploads/multipart-body';
import { ApiClient, Answer } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { dropMidUpload } from '../support/dropped-upload';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

interface Sheet {
  id: number;
  page: number;
  number: string | null;
  title: string | null;
  status: string;
}

describe('drawings: PDFs read into sheets, reviewed, published as revisions, marked up', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let sup: ApiClient;
  let sub: ApiClient;
  let architect: ApiClient;
  let p: number;
  let base: string;
  let area: number;

  const form = (client: ApiClient, parts: PartSpec[]): Promise<Answer> => {
    const { body, contentType } = multipartBody(parts);
    return client.request('POST', `${base}/drawing_uploads`, { raw: body, headers: { 'content-type': contentType } });
  };
  const upload = (client: ApiClient, name: string, data: Buffer, fields: Record<string, string> = {}) =>
    form(client, [...Object.entries(fields).map(([name, value]) => ({ name, data: value })), { name: 'file', filename: name, data }]);
  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=60000`)).status).toBe(200);
  const counts = async () =>
    (
      await t.db.query(
        `SELECT (SELECT count(*) FROM drawing_uploads)::int AS uploads, (SELECT count(*) FROM drawing_revisions)::int AS revisions,
                (SELECT count(*) FROM drawings)::int AS drawings, (SELECT count(*) FROM drawing_markups)::int AS markups, (SELECT count(*) FROM uploads WHERE kind = 'drawing')::int AS files`,
      )
    ).rows[0];

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'drawings');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    [pm, sup, sub, architect] = await Promise.all([sb.as('gc_project_manager'), sb.as('superintendent'), sb.as('subcontractor'), sb.as('architect')]);
    p = sb.project('first');
    base = `/rest/v1.0/projects/${p}`;
    area = (await sup.post(`${base}/drawing_areas`, { name: 'Building B' })).body.id;
  });
  afterAll(() => t.stop());

  let firstUpload: number;
  let sheets: Sheet[];

  it('opens the training sandbox with a set read from a real PDF, published, with published and personal markups', async () => {
    const drawings = (await architect.get(`${base}/drawings`)).body as { id: number; number: string; title: string; drawing_area: { name: string }; current_revision: { id: number; drawing_set: { name: string }; preview_url: string } }[];
    expect(drawings.map((d) => [d.number, d.title, d.drawing_area.name, d.current_revision.drawing_set.name])).toEqual([
      ['A-101', 'FIRST FLOOR PLAN', 'Main building', 'Issued for construction'],
      ['A-102', 'SECOND FLOOR PLAN', 'Main building', 'Issued for construction'],
      ['S-201', 'FOUNDATION PLAN', 'Main building', 'Issued for construction'],
    ]);
    const notes = async (c: ApiClient, i: number) => (await c.get(`${base}/drawing_revisions/${drawings[i].current_revision.id}/markups`)).body as { layer: string; rfi_ids: number[] }[];
    expect((await notes(architect, 0)).map((k) => k.layer)).toEqual(['published']);
    expect((await notes(sup, 0)).map((k) => k.layer).sort()).toEqual(['personal', 'published']);
    const [beam] = await notes(architect, 2);
    const rfi = (await architect.get(`${base}/rfis/${beam.rfi_ids[0]}`)).body;
    expect(rfi.subject).toBe('Beam size at grid C4');
    const preview = await architect.request('GET', drawings[1].current_revision.preview_url);
    expect(preview.status).toBe(200);
    expect((await sharp(preview.bytes).metadata()).format).toBe('png');
  });

  it('reads a multi-page PDF into one sheet per page, with numbers and titles from the title block, waiting for review', async () => {
    const pdf = await drawingSetPdf([{ number: 'B-101', title: 'Ground floor plan' }, { number: 'B-102', title: 'Roof plan' }, 'blank', { number: 'BS-201', title: 'Footing details' }]);
    const res = await upload(sup, 'Building B permit set.pdf', pdf, { drawing_area_id: String(area) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'processing', sheets: [], drawing_area: { id: area, name: 'Building B' }, file_name: 'Building B permit set.pdf', uploaded_by_id: sb.userId('superintendent') });
    firstUpload = res.body.id;
    await settle();
    const read = (await sup.get(`${base}/drawing_uploads/${firstUpload}`)).body;
    expect(read.status).toBe('awaiting_review');
    expect(read.page_count).toBe(4);
    sheets = read.sheets;
    expect(sheets.map((s) => [s.page, s.number, s.title, s.status])).toEqual([
      [1, 'B-101', 'GROUND FLOOR PLAN', 'awaiting_review'],
      [2, 'B-102', 'ROOF PLAN', 'awaiting_review'],
      [3, null, null, 'awaiting_review'],
      [4, 'BS-201', 'FOOTING DETAILS', 'awaiting_review'],
    ]);
    // the reviewer sees the previews (real PNGs of the pages); a read-only viewer does not see sheets waiting for review
    const preview = await sup.request('GET', `${base}/drawing_revisions/${sheets[0].id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.headers['content-type']).toBe('image/png');
    const meta = await sharp(preview.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([1600, 1067]);
    expectError(await architect.get(`${base}/drawing_revisions/${sheets[0].id}`), 404, 'not_found');
    expect((await architect.get(`${base}/drawing_revisions?filters[drawing_upload_id]=${firstUpload}`)).body).toEqual([]);
    expect((await pm.get(`${base}/drawing_revisions?filters[drawing_upload_id]=${firstUpload}`)).body).toHaveLength(4);
  });

  it('refuses uploading and publishing by the matrix: read-only viewers may neither upload nor review', async () => {
    expectError(await upload(architect, 'mine.pdf', samplePdf(4096)), 403, 'permission_denied');
    expectError(await architect.post(`${base}/drawing_uploads/${firstUpload}/actions/publish`, {}), 403, 'permission_denied');
    expectError(await sub.get(`${base}/drawing_uploads`), 403, 'permission_denied');
  });

  it('publishes all or nothing: a sheet without a number is refused until the reviewer gives one', async () => {
    const before = await counts();
    const refused = await sup.post(`${base}/drawing_uploads/${firstUpload}/actions/publish`, {});
    expectError(refused, 422, 'validation_failed');
    expect(refused.body.error.message).toContain(`page 3`);
    const clash = await sup.post(`${base}/drawing_uploads/${firstUpload}/actions/publish`, { sheets: [{ id: sheets[2].id, number: 'B-101' }] });
    expectError(clash, 422, 'validation_failed');
    expect(clash.body.error.message).toMatch(/pages 1 and 3 would both be B-101/);
    expectError(await sup.post(`${base}/drawing_uploads/${firstUpload}/actions/publish`, { sheets: [{ id: 999999, number: 'X-1' }] }), 422, 'validation_failed');
    expectError(await sup.post(`${base}/drawing_uploads/${firstUpload}/actions/publish`, { drawing_set_id: 1, set_name: 'both' }), 422, 'validation_failed');
    expect(await counts()).toEqual(before);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM drawing_sets WHERE project_id = $1`, [p])).rows[0].n).toBe(
      (await t.db.query(`SELECT count(*)::int AS n FROM drawing_sets WHERE project_id = $1 AND name <> 'Building B permit set'`, [p])).rows[0].n,
    );

    const published = await sup.post(`${base}/drawing_uploads/${firstUpload}/actions/publish`, { sheets: [{ id: sheets[2].id, number: 'B-103', title: 'Sections' }] });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', drawing_set: { name: 'Building B permit set' }, published_by_id: sb.userId('superintendent') });
    expect(published.body.sheets.map((s: Sheet & { revision_number: number }) => [s.number, s.title, s.status, s.revision_number])).toEqual([
      ['B-101', 'GROUND FLOOR PLAN', 'published', 1],
      ['B-102', 'ROOF PLAN', 'published', 1],
      ['B-103', 'Sections', 'published', 1],
      ['BS-201', 'FOOTING DETAILS', 'published', 1],
    ]);
    expectError(await sup.post(`${base}/drawing_uploads/${firstUpload}/actions/publish`, {}), 422, 'invalid_transition');
    // now everyone who sees drawings sees them
    const list = (await architect.get(`${base}/drawings?filters[drawing_area_id]=${area}`)).body;
    expect(list.map((d: { number: string; current_revision: { revision_number: number } }) => [d.number, d.current_revision.revision_number])).toEqual([
      ['B-101', 1],
      ['B-102', 1],
      ['B-103', 1],
      ['BS-201', 1],
    ]);
    expect((await architect.request('GET', list[0].current_revision.preview_url)).status).toBe(200);
  });

  it('a new upload with a sheet number already published becomes its next revision, the current one', async () => {
    const res = await upload(sup, 'B-101 rev.pdf', await drawingSetPdf([{ number: 'B-101', title: 'Ground floor plan (revised)' }]), { drawing_area_id: String(area) });
    await settle();
    const published = await sup.post(`${base}/drawing_uploads/${res.body.id}/actions/publish`, { set_name: 'ASI 01' });
    expect(published.status).toBe(200);
    const [drawing] = (await architect.get(`${base}/drawings?filters[number]=b-101`)).body;
    expect(drawing).toMatchObject({ number: 'B-101', title: 'GROUND FLOOR PLAN (REVISED)', revisions_count: 2, current_revision: { revision_number: 2, drawing_set: { name: 'ASI 01' } } });
    const revisions = (await architect.get(`${base}/drawing_revisions?filters[drawing_id]=${drawing.id}`)).body;
    expect(revisions.map((r: { revision_number: number; current: boolean }) => [r.revision_number, r.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    // the PDF itself is there for viewers once published
    const file = await architect.request('GET', revisions[1].file_url);
    expect(file.status).toBe(200);
    expect(file.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });

  describe('markups', () => {
    let revision: { id: number; width: number; height: number };
    let url: string;
    const rect = { type: 'rectangle', x: 100, y: 100, width: 300, height: 200 };

    beforeAll(async () => {
      const [drawing] = (await architect.get(`${base}/drawings?filters[number]=B-102`)).body;
      revision = (await architect.get(`${base}/drawing_revisions/${drawing.current_revision.id}`)).body;
      url = `${base}/drawing_revisions/${revision.id}/markups`;
    });

    it('keeps a personal markup to its author; a published one is seen by everyone who sees the drawing', async () => {
      const mine = await architect.post(url, { layer: 'personal', shapes: [rect, { type: 'text', x: 120, y: 90, text: 'Check the slope' }] });
      expect(mine.status).toBe(201);
      expect(mine.body).toMatchObject({ layer: 'personal', created_by_id: sb.userId('architect'), shapes: [{ ...rect, color: '#E53935' }, { type: 'text', font_size: 24, color: '#E53935' }] });
      const rfi = (await sup.get(`${base}/rfis`)).body[0];
      const note = await sup.post(url, { layer: 'published', shapes: [{ type: 'cloud', points: [[10, 10], [200, 10], [200, 150]], color: '#1E88E5' }], rfi_ids: [rfi.id] });
      expect(note.status).toBe(201);
      expect(note.body).toMatchObject({ layer: 'published', rfi_ids: [rfi.id], published_at: expect.any(String) });
      const seen = async (c: ApiClient) => ((await c.get(url)).body as { id: number }[]).map((k) => k.id);
      expect(await seen(architect)).toEqual([mine.body.id, note.body.id]);
      expect(await seen(pm)).toEqual([note.body.id]);
      expectError(await pm.get(`${url}/${mine.body.id}`), 404, 'not_found');
      // read-only on drawings: the personal layer only
      const refused = await architect.post(url, { layer: 'published', shapes: [rect] });
      expectError(refused, 403, 'permission_denied');
      expect(refused.body.error.details).toMatchObject({ action: 'drawings.markup_publish' });
      expectError(await architect.patch(`${url}/${mine.body.id}`, { layer: 'published' }), 403, 'permission_denied');
      // only the author edits
      expectError(await pm.patch(`${url}/${note.body.id}`, { shapes: [rect] }), 403, 'permission_denied');
      const moved = await sup.patch(`${url}/${note.body.id}`, { shapes: [rect], version: note.body.version });
      expect(moved.body).toMatchObject({ version: note.body.version + 1, shapes: [{ type: 'rectangle' }] });
      expectError(await sup.patch(`${url}/${note.body.id}`, { shapes: [rect], version: note.body.version }), 409, 'edit_conflict');
    });

    it('refuses malformed shapes by field, RFIs it cannot link, and 10 MB of JSON, storing nothing', async () => {
      const before = await counts();
      const bad = await sup.post(url, {
        layer: 'personal',
        shapes: [
          { type: 'rectangle', x: 10, y: 10, width: -5, height: 10 },
          { type: 'ellipse', x: 10, y: 10, width: 10 },
          { type: 'hexagon' },
          { type: 'line', x1: 0, y1: 0, x2: revision.width + 1, y2: 5 },
          { type: 'polyline', points: [[1, 2]] },
          { type: 'text', x: 1, y: 1, text: '' },
          { type: 'rectangle', x: 1, y: 1, width: 2, height: 2, color: 'red', radius: 3 },
        ],
      });
      expectError(bad, 422, 'validation_failed');
      expect(fieldsOf(bad)).toEqual(
        expect.arrayContaining(['shapes[0].width', 'shapes[1].height', 'shapes[2].type', 'shapes[3].x2', 'shapes[4].points', 'shapes[5].text', 'shapes[6].color', 'shapes[6].radius']),
      );
      expectError(await sup.post(url, { layer: 'personal', shapes: [] }), 422, 'validation_failed');
      expectError(await sup.post(url, { layer: 'team', shapes: [rect] }), 422, 'validation_failed');
      expectError(await sup.post(url, { shapes: [rect], extra: 1 }), 422, 'validation_failed');
      expectError(await sup.post(url, { layer: 'personal', shapes: [rect], rfi_ids: [987654] }), 422, 'validation_failed');
      const huge = { layer: 'personal', shapes: Array.from({ length: 400 }, () => ({ type: 'polyline', points: Array.from({ length: 2000 }, (_, i) => [(i % 500) + 0.123456, (i % 300) + 0.654321]) })) };
      expect(Buffer.byteLength(JSON.stringify(huge))).toBeGreaterThan(10 * 1024 * 1024);
      expectError(await sup.post(url, huge), 413, 'request_too_large');
      const big = { layer: 'personal', shapes: Array.from({ length: 60 }, () => ({ type: 'polyline', points: Array.from({ length: 2000 }, (_, i) => [i % 500, i % 300]) })) };
      const tooBig = await sup.post(url, big);
      expectError(tooBig, 422, 'validation_failed');
      expect(fieldsOf(tooBig)).toEqual(['shapes']);
      expect(await counts()).toEqual(before);
    });

    it('deletes markups by the matrix: Admins any they see, others only their own', async () => {
      const theirs = (await sup.post(url, { layer: 'published', shapes: [rect] })).body;
      const own = (await sub.post(url, { layer: 'personal', shapes: [rect] })).body;
      const denied = await sub.delete(`${url}/${theirs.id}`);
      expectError(denied, 403, 'permission_denied');
      expect(denied.body.error.details).toMatchObject({ layer: 'item_role' });
      expect((await sub.delete(`${url}/${own.id}`)).status).toBe(204);
      expect((await pm.delete(`${url}/${theirs.id}`)).status).toBe(204);
      expectError(await pm.get(`${url}/${theirs.id}`), 404, 'not_found');
    });
  });

  it('deletes a revision only as an Admin; the previous revision becomes current again', async () => {
    const [drawing] = (await architect.get(`${base}/drawings?filters[number]=B-101`)).body;
    expectError(await sup.delete(`${base}/drawing_revisions/${drawing.current_revision.id}`), 403, 'permission_denied');
    expect((await pm.delete(`${base}/drawing_revisions/${drawing.current_revision.id}`)).status).toBe(204);
    expect((await architect.get(`${base}/drawings/${drawing.id}`)).body).toMatchObject({ revisions_count: 1, current_revision: { revision_number: 1 }, title: 'GROUND FLOOR PLAN' });
  });

  it('refuses files that are not PDFs by content, empty and damaged ones, and bad fields, leaving nothing behind', async () => {
    const before = await counts();
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#fff' } }).png().toBuffer();
    expectError(await upload(sup, 'plans.pdf', png), 415, 'unsupported_file_type');
    expectError(await upload(sup, 'plans.jpg', samplePdf(4096)), 415, 'unsupported_file_type');
    expectError(await upload(sup, 'empty.pdf', Buffer.alloc(0)), 422, 'empty_file');
    expectError(await form(sup, [{ name: 'drawing_area_id', data: String(area) }]), 422, 'validation_failed');
    expectError(await form(sup, [{ name: 'file', filename: 'a.pdf', data: samplePdf(4096) }, { name: 'file', filename: 'b.pdf', data: samplePdf(4096) }]), 422, 'validation_failed');
    expect(new Set(fieldsOf(await upload(sup, 'a.pdf', samplePdf(4096), { drawing_area_id: 'north' })))).toEqual(new Set(['drawing_area_id']));
    const other = sb.project('second');
    const foreign = (await pm.post(`/rest/v1.0/projects/${other}/drawing_areas`, { name: 'Elsewhere' })).body.id;
    expect(fieldsOf(await upload(sup, 'a.pdf', samplePdf(4096), { drawing_area_id: String(foreign) }))).toEqual(['drawing_area_id']);
    expect(await counts()).toEqual(before);
  });

  it('takes a PDF of exactly the drawing limit, refuses one byte more, and keeps nothing of a dropped upload; diagnose names each', async () => {
    const limit = 64 * 1024;
    expect((await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { upload_limits: { drawing_bytes: limit } })).status).toBe(200);
    try {
      expect((await upload(pm, 'exact.pdf', samplePdf(limit))).status).toBe(201);
      const over = await upload(pm, 'over.pdf', samplePdf(limit + 1));
      expectError(over, 413, 'file_too_large');
      expect(over.body.error.details).toMatchObject({ limit_bytes: limit, received_bytes_at_least: limit + 1 });
    } finally {
      await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { upload_limits: { drawing_bytes: 100 * 1024 * 1024 } });
    }
    const before = await counts();
    await dropMidUpload(t.app, { url: `${base}/drawing_uploads`, token: await sb.token('superintendent'), companyId: sb.companyId, fileName: 'site set.pdf', data: samplePdf(3 * 1024 * 1024), sendBytes: 1024 * 1024 });
    let refused: { code: string }[] = [];
    for (let i = 0; i < 100 && !refused.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      refused = (await t.db.query(`SELECT code FROM upload_refusals WHERE user_id = $1 AND file_name = 'site set.pdf'`, [sb.userId('superintendent')])).rows;
    }
    expect(refused).toEqual([{ code: 'upload_interrupted' }]);
    expect(await counts()).toEqual(before);
    const d = await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('superintendent')}&symptom=not_uploading&tool=drawings`);
    expect(d.body.findings[0]).toMatchObject({ cause: 'upload_interrupted', evidence: { file_name: 'site set.pdf', details: { kind: 'drawing' } } });
    const byPm = await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('gc_project_manager')}&symptom=not_uploading&tool=drawings`);
    expect(byPm.body.findings.find((f: { cause: string }) => f.cause === 'upload_rejected')).toMatchObject({ evidence: { code: 'file_too_large', file_name: 'over.pdf' } });
  });

  it('ends a PDF that cannot be read as failed with its reason; it cannot be published', async () => {
    const res = await upload(sup, 'damaged.pdf', samplePdf(4096));
    expect(res.status).toBe(201);
    await settle();
    const failed = (await sup.get(`${base}/drawing_uploads/${res.body.id}`)).body;
    expect(failed).toMatchObject({ status: 'failed', sheets: [], processing_error: expect.stringMatching(/upload it again/) });
    expectError(await sup.post(`${base}/drawing_uploads/${res.body.id}/actions/publish`, {}), 422, 'invalid_transition');
  });

  it("answers 404 for another project's drawings, revisions and markups, as if they were not there", async () => {
    const [drawing] = (await pm.get(`${base}/drawings`)).body;
    const other = `/rest/v1.0/projects/${sb.project('second')}`;
    expectError(await pm.get(`${other}/drawings/${drawing.id}`), 404, 'not_found');
    expectError(await pm.get(`${other}/drawing_revisions/${drawing.current_revision.id}`), 404, 'not_found');
    expectError(await pm.get(`${other}/drawing_revisions/${drawing.current_revision.id}/markups`), 404, 'not_found');
    expectError(await pm.post(`${other}/drawing_revisions/${drawing.current_revision.id}/markups`, { layer: 'personal', shapes: [{ type: 'line', x1: 0, y1: 0, x2: 1, y2: 1 }] }), 404, 'not_found');
    expectError(await pm.post(`${other}/drawing_uploads/${firstUpload}/actions/publish`, {}), 404, 'not_found');
    const [k] = (await pm.get(`${base}/drawing_revisions/${drawing.current_revision.id}/markups`)).body;
    expectError(await pm.delete(`${other}/drawing_revisions/${drawing.current_revision.id}/markups/${k.id}`), 404, 'not_found');
  });

  it('records Drawings, Drawing Revisions and Markups changes for webhooks', async () => {
    const { rows } = await t.db.query(`SELECT DISTINCT resource FROM change_log WHERE project_id = $1 AND resource IN ('Drawings', 'Drawing Revisions', 'Markups', 'Drawing Uploads', 'Drawing Areas', 'Drawing Sets') ORDER BY 1`, [p]);
    expect(rows.map((r: { resource: string }) => r.resource)).toEqual(['Drawing Areas', 'Drawing Revisions', 'Drawing Sets', 'Drawing Uploads', 'Drawings', 'Markups']);
  });
});
