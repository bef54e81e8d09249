import sharp from 'sharp';
import { multipartBody, PartSpec, samplePdf } from '../../src/uploads/multipart-body';
import { ApiClient, Answer } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('photos: uploaded into albums, processed for real, seen by others once ready', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let sup: ApiClient;
  let sub: ApiClient;
  let architect: ApiClient;
  let p: number;
  let url: string;
  let album: number;
  let jpeg: Buffer;

  const form = (client: ApiClient, parts: PartSpec[]): Promise<Answer> => {
    const { body, contentType } = multipartBody(parts);
    return client.request('POST', url, { raw: body, headers: { 'content-type': contentType } });
  };
  const photo = (client: ApiClient, name: string, data: Buffer, fields: Record<string, string> = {}) =>
    form(client, [...Object.entries(fields).map(([name, value]) => ({ name, data: value })), { name: 'file', filename: name, data }]);
  const settle = async () => expect((await api.post(`/_sim/settle?project_id=${p}&timeout_ms=30000`)).status).toBe(200);
  const ids = async (c: ApiClient): Promise<number[]> => ((await c.get(url)).body as { id: number }[]).map((i) => i.id);
  const counts = async () => (await t.db.query(`SELECT (SELECT count(*) FROM images)::int AS images, (SELECT count(*) FROM uploads WHERE kind = 'photo')::int AS uploads`)).rows[0];

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'photos');
    await sb.relaxLimits();
    await api.patch(`/_sim/sandboxes/${sb.info.id}/settings`, { latency_profile: 'instant' });
    [pm, sup, sub, architect] = await Promise.all([sb.as('gc_project_manager'), sb.as('superintendent'), sb.as('subcontractor'), sb.as('architect')]);
    p = sb.project('first');
    url = `/rest/v1.0/projects/${p}/images`;
    album = (await sup.post(`/rest/v1.0/projects/${p}/image_categories`, { name: 'Level 3 deck' })).body.id;
    jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#678' } })
      .jpeg()
      .withExif({ IFD2: { DateTimeOriginal: '2026:11:28 09:30:00' }, IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '33/1 52/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '151/1 12/1 36/1' } })
      .toBuffer();
  });
  afterAll(() => t.stop());

  it('opens the training sandbox with two albums of real, processed photos, one of them private', async () => {
    const seeded = (await pm.get(url)).body as { description: string; private: boolean; processing_status: string; width: number; taken_at: string; location: unknown; thumbnail_url: string; image_category: { name: string } }[];
    expect(seeded.map((i) => [i.image_category.name, i.description, i.private])).toEqual([
      ['Foundations', 'Footing F4 rebar before inspection', false],
      ['Foundations', 'Grade beam pour, north side', false],
      ['Level 2 deck', 'East bay deck before the pour', false],
      ['Level 2 deck', 'Damaged shoring post — for the owner walk', true],
    ]);
    for (const i of seeded) expect(i).toMatchObject({ processing_status: 'ready', width: 1200, taken_at: expect.any(String), location: { latitude: 40.4462, longitude: -79.976667 } });
    expect((await architect.get(url)).body).toHaveLength(3);
    const thumb = await architect.get(seeded[0].thumbnail_url);
    expect(thumb.status).toBe(200);
    expect(Number(thumb.headers['content-length'])).toBeGreaterThan(100);
  });

  it('uploads a photo into an album; others see it only once processed, with its EXIF time, place and thumbnail', async () => {
    const res = await photo(sup, 'deck east.jpg', jpeg, { image_category_id: String(album), description: 'East bay before the pour' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ image_category: { id: album, name: 'Level 3 deck' }, description: 'East bay before the pour', processing_status: 'queued', url: null, uploaded_by_id: sb.userId('superintendent') });
    // the uploader sees it while it processes; the architect once it is ready
    expect(await ids(sup)).toContain(res.body.id);
    await settle();
    expect(await ids(architect)).toContain(res.body.id);
    const ready = (await architect.get(`${url}/${res.body.id}`)).body;
    expect(ready).toMatchObject({ processing_status: 'ready', width: 800, height: 600, taken_at: '2026-11-28T09:30:00.000Z', location: { latitude: -33.866667, longitude: 151.21 } });
    const thumb = await architect.get(ready.thumbnail_url);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect((await architect.get(`${url}?filters[image_category_id]=${album}`)).body.map((i: { id: number }) => i.id)).toEqual([res.body.id]);
  });

  it('keeps private photos to Admins and their uploader; a Standard user edits and deletes only their own', async () => {
    const mine = await photo(sub, 'conduit.png', await sharp({ create: { width: 40, height: 30, channels: 3, background: '#fff' } }).png().toBuffer(), { private: 'true' });
    expect(mine.status).toBe(201);
    await settle();
    expect(await ids(architect)).not.toContain(mine.body.id);
    expectError(await architect.get(`${url}/${mine.body.id}`), 403, 'permission_denied');
    expect(await ids(pm)).toContain(mine.body.id);
    expect((await sub.patch(`${url}/${mine.body.id}`, { description: 'Conduit run, room 104', private: false, version: mine.body.version })).body).toMatchObject({ description: 'Conduit run, room 104', private: false });
    expect(await ids(architect)).toContain(mine.body.id);
    const [theirs] = ((await sub.get(url)).body as { id: number; uploaded_by_id: number }[]).filter((i) => i.uploaded_by_id === sb.userId('superintendent'));
    const refused = await sub.patch(`${url}/${theirs.id}`, { description: 'not mine' });
    expectError(refused, 403, 'permission_denied');
    expect(refused.body.error.details).toMatchObject({ layer: 'item_role' });
    expectError(await sub.delete(`${url}/${theirs.id}`), 403, 'permission_denied');
    // moved into the album by its uploader, then deleted with its file
    expect((await sub.patch(`${url}/${mine.body.id}`, { image_category_id: album })).body.image_category).toEqual({ id: album, name: 'Level 3 deck' });
    expect((await sub.delete(`${url}/${mine.body.id}`)).status).toBe(204);
    expect((await t.db.query('SELECT count(*)::int AS n FROM uploads WHERE id = (SELECT upload_id FROM images WHERE id = $1)', [mine.body.id])).rows[0].n).toBe(0);
    expectError(await pm.get(`${url}/${mine.body.id}`), 404, 'not_found');
  });

  it('refuses a form without a file or with two, a PDF, an album of another project and bad fields, storing nothing', async () => {
    const before = await counts();
    const otherAlbum = (await pm.post(`/rest/v1.0/projects/${sb.project('second')}/image_categories`, { name: 'Elsewhere' })).body.id;
    const noFile = await form(sup, [{ name: 'description', data: 'nothing attached' }]);
    expectError(noFile, 422, 'validation_failed');
    expect(fieldsOf(noFile)).toEqual(['file']);
    const two = await form(sup, [{ name: 'file', filename: 'a.jpg', data: jpeg }, { name: 'file', filename: 'b.jpg', data: jpeg }]);
    expectError(two, 422, 'validation_failed');
    expectError(await photo(sup, 'plan.pdf', samplePdf(4096)), 415, 'unsupported_file_type');
    expectError(await photo(sup, 'renamed.jpg', samplePdf(4096)), 415, 'unsupported_file_type');
    expect(fieldsOf(await photo(sup, 'x.jpg', jpeg, { image_category_id: String(otherAlbum) }))).toEqual(['image_category_id']);
    expect([...new Set(fieldsOf(await photo(sup, 'x.jpg', jpeg, { image_category_id: 'first' })))]).toEqual(['image_category_id']);
    expectError(await photo(architect, 'x.jpg', jpeg), 403, 'permission_denied');
    expect(await counts()).toEqual(before);
  });

  it('names attachment_processing while a photo is still processing, and the office sees it once done', async () => {
    const held = await api.post('/_sim/faults', { target: 'job', job_name: 'uploads.process-attachment', effect: 'delay', delay_ms: 1500, probability: 1, count: 1, sandbox_id: sb.info.id });
    expect(held.status).toBe(201);
    const res = await photo(sup, 'crane pick.jpg', jpeg);
    expect(await ids(pm)).not.toContain(res.body.id);
    const why = await api.get(`/_sim/diagnose?project_id=${p}&user_id=${sb.userId('gc_project_manager')}&symptom=not_visible&tool=photos`);
    expect(why.body.findings.find((f: { cause: string }) => f.cause === 'attachment_processing')).toMatchObject({ evidence: expect.objectContaining({ attached_to: { type: 'image', id: res.body.id } }) });
    await settle();
    expect(await ids(pm)).toContain(res.body.id);
  });

  it('processes 100 photos uploaded at once by 10 people, each exactly once', async () => {
    const admin = await sb.as('company_admin');
    const template = await admin.post(`/rest/v1.0/companies/${sb.companyId}/permission_templates`, { name: 'Photographer', scope: 'project', levels: { photos: 'standard' } });
    expect(template.status).toBe(201);
    const people = await sb.addMembers(10, 'Photographer', p);
    const small = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#abc' } }).jpeg().toBuffer();
    const created = await Promise.all(
      people.map(async ({ client }, who) => {
        const mine: number[] = [];
        for (let n = 0; n < 10; n++) {
          const res = await photo(client, `crew-${who}-${n}.jpg`, small);
          expect(res.status).toBe(201);
          mine.push(res.body.id);
        }
        return mine;
      }),
    );
    const ids100 = created.flat();
    expect(new Set(ids100).size).toBe(100);
    await settle();
    const rows = (
      await t.db.query(
        `SELECT i.id, u.processing_status, (SELECT count(*) FROM outbox o WHERE o.name = 'uploads.process-attachment' AND (o.payload->>'uploadId')::int = u.id)::int AS jobs,
                (SELECT count(*) FROM change_log c WHERE c.resource = 'Uploads' AND c.resource_id = u.id AND c.snapshot->>'processingStatus' = 'ready')::int AS readies
           FROM images i JOIN uploads u ON u.id = i.upload_id WHERE i.id = ANY($1)`,
        [ids100],
      )
    ).rows;
    expect(rows).toHaveLength(100);
    expect(rows.every((r: { processing_status: string; jobs: number; readies: number }) => r.processing_status === 'ready' && r.jobs === 1 && r.readies === 1)).toBe(true);
    // and someone else (Read Only) sees every one of them
    const seen = new Set<number>();
    for (let page = 1; page <= 5; page++) for (const i of (await architect.get(`${url}?per_page=100&page=${page}`)).body as { id: number }[]) seen.add(i.id);
    expect(ids100.filter((id) => !seen.has(id))).toEqual([]);
  }, 120_000);

  it('ends a truncated JPEG failed with the reason, for its uploader only', async () => {
    const cut = await photo(sup, 'cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    expect(cut.status).toBe(201);
    await settle();
    expect((await sup.get(`${url}/${cut.body.id}`)).body).toMatchObject({ processing_status: 'failed', processing_error: expect.stringContaining('the image cannot be decoded'), url: null });
    expect(await ids(architect)).not.toContain(cut.body.id);
  });
});
