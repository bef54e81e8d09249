import { Iteration } from './context';

const seen = (s: number) => s === 200 || s === 403 || s === 404;

/**
 * The subcontractor drafts an RFI for its manager (the superintendent) → the
 * manager opens it → the assignee (architect) sees it (`visible_to_other`) and
 * answers → the manager closes it.
 */
export async function rfiLifecycle(it: Iteration): Promise<void> {
  const { projectId, users } = it.fixtures;
  const url = `/rest/v1.0/projects/${projectId}/rfis`;
  const draft = await it.call<{ id: number; version: number }>('create_rfi', 'subcontractor', {
    method: 'POST',
    path: url,
    json: {
      subject: `Conduit route through the plenum (${it.tag})`,
      question: 'May the feeders run through the ceiling plenum above the corridor, or must they stay in the riser?',
      rfi_manager_id: users.superintendent,
      assignee_ids: [users.architect],
    },
    ok: (s) => s === 201,
  });
  const id = draft.body.id;
  await it.call('open_rfi', 'superintendent', { method: 'POST', path: `${url}/${id}/actions/open`, json: { version: draft.body.version } });
  const opened = performance.now();
  await it.waitFor('visible_to_other', opened, async () => {
    const res = await it.call<{ status?: string }>('poll_rfi_visible', 'architect', { method: 'GET', path: `${url}/${id}`, ok: seen }, { think: false });
    return res.status === 200 && res.body.status === 'open';
  });
  await it.call('answer_rfi', 'architect', { method: 'POST', path: `${url}/${id}/replies`, json: { body: 'Plenum routing is acceptable in plenum-rated cable; keep 300 mm from the sprinkler mains.' }, ok: (s) => s === 201 });
  await it.call('close_rfi', 'superintendent', { method: 'POST', path: `${url}/${id}/actions/close` });
}
