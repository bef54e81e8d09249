import { ApiClient } from '../support/api-client';
import { expectError } from '../support/assertions';
import { TestApp } from '../support/test-app';

/** Every scenario of the catalogue: the symptom shows, diagnose names its cause first, the fix removes it. */
describe('the scenario catalogue', () => {
  let t: TestApp;
  let api: ApiClient;
  let catalogue: { key: string; number: number; title: string; causes: string[] }[];

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    catalogue = (await api.get('/_sim/scenarios')).body;
  });
  afterAll(() => t.stop());

  it('lists each scenario with its key, title and causes', () => {
    expect(catalogue.map((s) => s.number)).toEqual(expect.arrayContaining([1, 2, 3, 4, 10, 11, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18, 19]));
    for (const s of catalogue) expect(s).toEqual({ key: expect.any(String), number: expect.any(Number), title: expect.any(String), causes: expect.any(Array) });
  });

  const keys = ['photos_not_uploading', 'photos_taken_offline', 'drawing_notes_not_loading', 'budget_change_order_pending', 'budget_recalculation_backlog', 'budget_totals_differ', 'budget_locked', 'submittal_step_incomplete', 'submittal_attachment_processing', 'private_rfi_link', 'rfi_response_not_submitted', 'rfi_filtered_out', 'removed_from_project', 'tool_hidden', 'stale_cache', 'simultaneous_edits', 'account_locked', 'background_job_failed', 'rfi_in_draft'];

  it.each(keys)('%s: shows the symptom, names the cause, and is resolved by its fix', async (key) => {
    const scenario = catalogue.find((s) => s.key === key)!;
    const run = await api.post(`/_sim/scenarios/${key}/run`);
    expect(run.status).toBe(201);
    expect(run.headers.location).toMatch(new RegExp(`/_sim/scenarios/runs/${run.body.id}$`));
    expect(run.body).toMatchObject({ scenario: key, status: 'symptom_shown', symptom: { present: true } });
    expect(run.body.findings.length).toBeGreaterThan(0);
    expect(scenario.causes).toContain(run.body.findings[0].cause);
    expect(run.body.findings[0].fix.length).toBeGreaterThan(0);
    expect(run.body.fix_steps.length).toBeGreaterThan(0);

    const fixed = await api.post(`/_sim/scenarios/runs/${run.body.id}/actions/fix`);
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ id: run.body.id, resolved: true, symptom_after: { present: false } });

    const again = await api.post(`/_sim/scenarios/runs/${run.body.id}/actions/fix`);
    expectError(again, 422, 'invalid_transition');
    const stored = await api.get(`/_sim/scenarios/runs/${run.body.id}`);
    expect(stored.body).toMatchObject({ status: 'resolved', symptom_after: { present: false } });
  }, 60000);

  it('shows why photos did not upload: each refusal with its own code', async () => {
    const run = await api.post('/_sim/scenarios/photos_not_uploading/run');
    expect(run.body.symptom.observed.attempts).toEqual({ empty: { status: 422, code: 'empty_file' }, large: { status: 413, code: 'file_too_large' } });
    const codes = run.body.findings.filter((f: { cause: string }) => f.cause === 'upload_rejected').map((f: { evidence: { code: string } }) => f.evidence.code).sort();
    expect(codes).toEqual(['empty_file', 'file_too_large']);
  }, 60000);

  it('shows why drawing notes do not load: a personal layer, and a revision still waiting for review', async () => {
    const run = await api.post('/_sim/scenarios/drawing_notes_not_loading/run');
    expect(run.body.symptom.observed.notes_seen_by_architect).toEqual({ 'A-301': 0, 'A-501': 'no such drawing' });
    const byCause = (cause: string) => run.body.findings.filter((f: { cause: string }) => f.cause === cause);
    expect(byCause('markup_layer_personal')[0]).toMatchObject({ user: { name: expect.any(String) }, evidence: { personal_markups: 1, visible_to: 'its author only', author_may_publish: true } });
    expect(byCause('markups_not_published')[0]).toMatchObject({ evidence: { drawing_upload: { status: 'awaiting_review' }, sheet_numbers: ['A-501'], markups_on_its_sheets: 1 } });
    const fixed = await api.post(`/_sim/scenarios/runs/${run.body.id}/actions/fix`);
    expect(fixed.body.symptom_after.observed.notes_seen_by_architect).toEqual({ 'A-301': 1, 'A-501': 1 });
  }, 60000);

  it('answers 404 for an unknown scenario or run', async () => {
    expectError(await api.post('/_sim/scenarios/nope/run'), 404, 'not_found');
    expectError(await api.get('/_sim/scenarios/runs/999999'), 404, 'not_found');
  });

  it('names the evidence a trainer needs: who, what and when', async () => {
    const run = await api.post('/_sim/scenarios/removed_from_project/run');
    const finding = run.body.findings[0];
    expect(finding).toMatchObject({
      cause: 'removed_from_project',
      user: { name: 'Avery Chen' },
      evidence: { removed_at: expect.any(String), removed_by: { name: 'Morgan Reyes' } },
    });
    const background = await api.post('/_sim/scenarios/background_job_failed/run');
    expect(background.body.symptom.observed).toMatchObject({ received: 0, delivery: { status: 'queued' } });
    expect(background.body.findings[0]).toMatchObject({ cause: 'job_failed', evidence: { injected: true, retrying: true, fault_rule_id: expect.any(Number) } });
    const locked = await api.post('/_sim/scenarios/account_locked/run');
    expect(locked.body.symptom.observed).toMatchObject({ status: 423, code: 'account_locked' });
    expect(locked.body.findings[0]).toMatchObject({ cause: 'account_locked', evidence: { locked_until: expect.any(String) } });
  });
});

describe('diagnose', () => {
  let t: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
  });
  afterAll(() => t.stop());

  it('answers an empty list when nothing explains the symptom', async () => {
    const sb = (await api.post('/_sim/sandboxes', { name: 'quiet', template: 'training' })).body;
    const res = await api.get(`/_sim/diagnose?project_id=${sb.projects[0].id}&user_id=${sb.personas[1].user_id}&symptom=not_updating`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ symptom: 'not_updating', findings: [] });
  });

  it('explains a named denied action with what an admin could change', async () => {
    const sb = (await api.post('/_sim/sandboxes', { name: 'denied', template: 'training' })).body;
    const sub = sb.personas.find((p: { key: string }) => p.key === 'subcontractor');
    const res = await api.get(`/_sim/diagnose?project_id=${sb.projects[0].id}&user_id=${sub.user_id}&symptom=denied&action=rfis.create_open`);
    expect(res.body.findings[0]).toMatchObject({ cause: 'permission_denied', tool: 'rfis', evidence: { action: 'rfis.create_open', layer: 'granular' } });
    expect(res.body.findings[0].fix.join(' ')).toMatch(/rfis\.act_as_rfi_manager/);
  });

  it('names a template change and an expired session with their evidence', async () => {
    const sb = (await api.post('/_sim/sandboxes', { name: 'changes', template: 'training' })).body;
    const admin = sb.personas.find((p: { key: string }) => p.key === 'company_admin');
    const arch = sb.personas.find((p: { key: string }) => p.key === 'architect');
    const adminToken = (await api.post('/oauth/token', { grant_type: 'password', username: admin.email, password: admin.password })).body.access_token;
    const as = api.as(adminToken, sb.company_id);
    const p1 = sb.projects[0].id;
    const templates = (await as.get(`/rest/v1.0/projects/${p1}/permission_templates`)).body;
    const owner = templates.find((t: { name: string }) => t.name === 'Owner').id;
    expect((await as.patch(`/rest/v1.0/projects/${p1}/users/${arch.user_id}`, { permission_template_id: owner })).status).toBe(200);
    await api.post('/oauth/token', { grant_type: 'password', username: arch.email, password: arch.password });
    await t.db.query("UPDATE oauth_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1", [arch.user_id]);

    const res = await api.get(`/_sim/diagnose?project_id=${p1}&user_id=${arch.user_id}&symptom=denied`);
    const causes = res.body.findings.map((f: { cause: string }) => f.cause);
    expect(causes).toEqual(expect.arrayContaining(['template_changed', 'session_expired']));
    const changed = res.body.findings.find((f: { cause: string }) => f.cause === 'template_changed');
    expect(changed.evidence).toMatchObject({ to_template_id: owner, by: { id: admin.user_id } });
  });

  it.each([
    ['symptom=bored', 'symptom'],
    ['project_id=abc', 'project_id'],
    ['user_id=1&colour=red', 'colour'],
    ['', 'project_id'],
  ])('refuses %s with 422 naming %s', async (query, field) => {
    const res = await api.get(`/_sim/diagnose?${query}`);
    expectError(res, 422, 'validation_failed');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });
});
