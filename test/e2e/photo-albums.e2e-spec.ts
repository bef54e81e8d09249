import { ApiClient } from '../support/api-client';
import { expectError, fieldsOf } from '../support/assertions';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

describe('photo albums (image categories): order, privacy and who may manage them', () => {
  let t: TestApp;
  let sb: TrainingSandbox;
  let pm: ApiClient;
  let sup: ApiClient;
  let sub: ApiClient;
  let architect: ApiClient;
  let url: string;

  const names = async (c: ApiClient) => ((await c.get(url)).body as { name: string }[]).map((a) => a.name);

  beforeAll(async () => {
    t = await TestApp.start();
    sb = await TrainingSandbox.create(t.client(), 'albums');
    await sb.relaxLimits();
    [pm, sup, sub, architect] = await Promise.all([sb.as('gc_project_manager'), sb.as('superintendent'), sb.as('subcontractor'), sb.as('architect')]);
    url = `/rest/v1.0/projects/${sb.project('second')}/image_categories`;
  });
  afterAll(() => t.stop());

  it('creates albums last in order, with names unique in the project, for Admins and holders of create_album', async () => {
    const first = await sup.post(url, { name: 'Foundations' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: 'Foundations', private: false, position: 1, created_by_id: sb.userId('superintendent'), version: 1 });
    expect((await pm.post(url, { name: 'Steel' })).body.position).toBe(2);
    expectError(await pm.post(url, { name: 'FOUNDATIONS' }), 409, 'duplicate');
    const bad = await pm.post(url, { name: '  ', private: 'yes' });
    expectError(bad, 422, 'validation_failed');
    expect(fieldsOf(bad).sort()).toEqual(['name', 'private']);
    const firstProject = `/rest/v1.0/projects/${sb.project('first')}/image_categories`;
    expectError(await sub.post(firstProject, { name: 'Mine' }), 403, 'permission_denied');
    expect(await names(pm)).toEqual(['Foundations', 'Steel']);
  });

  it('shows a private album only to Admins, its creator and holders of view_private_photos', async () => {
    const firstProject = `/rest/v1.0/projects/${sb.project('first')}/image_categories`;
    const hidden = await sup.post(firstProject, { name: 'Punch list — owner walk', private: true });
    expect(hidden.status).toBe(201);
    await pm.post(firstProject, { name: 'Site logistics' });
    const seen = async (c: ApiClient) => ((await c.get(firstProject)).body as { name: string }[]).map((a) => a.name);
    // after the two albums the training data has
    expect(await seen(pm)).toEqual(['Foundations', 'Level 2 deck', 'Punch list — owner walk', 'Site logistics']);
    expect(await seen(sup)).toEqual(['Foundations', 'Level 2 deck', 'Punch list — owner walk', 'Site logistics']);
    expect(await seen(architect)).toEqual(['Foundations', 'Level 2 deck', 'Site logistics']);
    const refused = await architect.get(`${firstProject}/${hidden.body.id}`);
    expectError(refused, 403, 'permission_denied');
    expect(refused.body.error.details).toMatchObject({ layer: 'item_role' });
    // its creator makes it public: everyone with the tool sees it then
    expect((await sup.patch(`${firstProject}/${hidden.body.id}`, { private: false, version: 1 })).body).toMatchObject({ private: false, version: 2 });
    expect(await seen(architect)).toEqual(['Foundations', 'Level 2 deck', 'Punch list — owner walk', 'Site logistics']);
  });

  it('renames with a version, reorders only with every album listed once, and deletes for Admins and delete_album', async () => {
    const [foundations, steel] = (await pm.get(url)).body as { id: number; version: number }[];
    expectError(await sup.patch(`${url}/${foundations.id}`, { name: 'Footings', version: 9 }), 409, 'edit_conflict');
    expect((await sup.patch(`${url}/${foundations.id}`, { name: 'Footings', version: foundations.version })).body).toMatchObject({ name: 'Footings', version: 2 });
    expectError(await pm.patch(`${url}/${steel.id}`, { name: 'footings' }), 409, 'duplicate');
    const roof = (await pm.post(url, { name: 'Roof' })).body;
    const partial = await pm.post(`${url}/actions/reorder`, { album_ids: [roof.id, steel.id] });
    expectError(partial, 422, 'validation_failed');
    expect(partial.body.error.details.fields).toEqual([{ field: 'album_ids', message: `must list every album of the project; missing ${foundations.id}` }]);
    expectError(await pm.post(`${url}/actions/reorder`, { album_ids: [roof.id, steel.id, foundations.id, 999999] }), 422, 'validation_failed');
    expectError(await sup.post(`${url}/actions/reorder`, { album_ids: [roof.id, steel.id, foundations.id] }), 403, 'permission_denied');
    const ordered = await pm.post(`${url}/actions/reorder`, { album_ids: [roof.id, steel.id, foundations.id] });
    expect(ordered.status).toBe(200);
    expect(ordered.body.map((a: { name: string; position: number }) => [a.name, a.position])).toEqual([['Roof', 1], ['Steel', 2], ['Footings', 3]]);
    expect(await names(sup)).toEqual(['Roof', 'Steel', 'Footings']);
    expectError(await sup.delete(`${url}/${roof.id}`), 403, 'permission_denied');
    expect((await pm.delete(`${url}/${roof.id}`)).status).toBe(204);
    expectError(await pm.get(`${url}/${roof.id}`), 404, 'not_found');
    const events = await t.db.query(`SELECT event_type FROM change_log WHERE resource = 'Image Categories' AND resource_id = $1 ORDER BY id`, [roof.id]);
    expect(events.rows.map((r: { event_type: string }) => r.event_type)).toEqual(['create', 'update', 'delete']);
  });
});
