import { Iteration } from './context';

const seen = (s: number) => s === 200 || s === 403 || s === 404;

/**
 * The project manager creates a submittal with two workflow steps (architect,
 * then superintendent) and submits it → the architect sees it in their court
 * (`visible_to_other`) and approves step 1 → the superintendent approves step 2
 * → the manager distributes and closes it.
 */
export async function submittalFlow(it: Iteration): Promise<void> {
  const { projectId, users } = it.fixtures;
  const url = `/rest/v1.0/projects/${projectId}/submittals`;
  const created = await it.call<{ id: number }>('create_submittal', 'gc_project_manager', {
    method: 'POST',
    path: url,
    json: {
      title: `Rooftop unit curbs (${it.tag})`,
      submittal_manager_id: users.gc_project_manager,
      workflow: [{ approvers: [{ user_id: users.architect }] }, { approvers: [{ user_id: users.superintendent }] }],
    },
    ok: (s) => s === 201,
  });
  const id = created.body.id;
  await it.call('submit_submittal', 'gc_project_manager', { method: 'POST', path: `${url}/${id}/actions/submit` });
  const submitted = performance.now();
  await it.waitFor('visible_to_other', submitted, async () => {
    const res = await it.call<{ ball_in_court?: { id: number }[] }>('poll_submittal_visible', 'architect', { method: 'GET', path: `${url}/${id}`, ok: seen }, { think: false });
    return res.status === 200 && (res.body.ball_in_court ?? []).some((u) => u.id === users.architect);
  });
  await it.call('respond_step_1', 'architect', { method: 'POST', path: `${url}/${id}/responses`, json: { response: 'approved', comment: 'Curb heights as detailed.' }, ok: (s) => s === 201 });
  await it.call('respond_step_2', 'superintendent', { method: 'POST', path: `${url}/${id}/responses`, json: { response: 'approved' }, ok: (s) => s === 201 });
  await it.call('distribute_submittal', 'gc_project_manager', { method: 'POST', path: `${url}/${id}/actions/distribute`, json: { distribution_ids: [users.subcontractor] } });
  await it.call('close_submittal', 'gc_project_manager', { method: 'POST', path: `${url}/${id}/actions/close` });
}
