import { PersonaKey } from '../target';
import { Iteration } from './context';

/** Who reads what: each read is made as a persona whose template allows it. */
const READERS: PersonaKey[] = ['gc_project_manager', 'superintendent', 'subcontractor', 'architect', 'owner_rep'];
const BUDGET_READERS: PersonaKey[] = ['gc_project_manager', 'superintendent', 'owner_rep'];

/** Reads as a person looking around: projects, RFIs (list and one), submittals, the budget, photos. */
export async function browse(it: Iteration): Promise<void> {
  const { projectId, companyId } = it.fixtures;
  const who = it.rng.pick(READERS);
  const base = `/rest/v1.0/projects/${projectId}`;
  await it.call('list_projects', who, { method: 'GET', path: `/rest/v1.0/companies/${companyId}/projects` });
  const rfis = await it.call<{ id: number }[]>('list_rfis', who, { method: 'GET', path: `${base}/rfis?per_page=25&sort=-created_at` });
  if (rfis.body.length) await it.call('read_rfi', who, { method: 'GET', path: `${base}/rfis/${it.rng.pick(rfis.body).id}` });
  await it.call('list_submittals', who, { method: 'GET', path: `${base}/submittals?per_page=25` });
  await it.call('read_budget', BUDGET_READERS.includes(who) ? who : it.rng.pick(BUDGET_READERS), { method: 'GET', path: `${base}/budget` });
  await it.call('list_photos', who, { method: 'GET', path: `${base}/images?per_page=25` });
}
