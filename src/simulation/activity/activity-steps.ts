import { multipartBody } from '../../uploads/multipart-body';
import type { HttpAnswer } from './activity-http';
import type { PlannedAction, WorkflowName } from './activity-plan';

/** What the steps of a run know: the project, the things its workflows use, and who each user is. */
export interface ActivityRefs {
  project_id: number;
  /** `persona#member` → user id. */
  users: Record<string, number>;
  prime_contract_id: number | null;
  budget_line_item_id: number | null;
  album_id: number | null;
}

export interface StepCall {
  action: PlannedAction;
  refs: ActivityRefs;
  /** The item the instance works on (its id), set by its first step. */
  itemId: number | null;
  send: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<HttpAnswer>;
  photo: () => Promise<Buffer>;
}

export interface StepResult {
  answer: HttpAnswer;
  /** The id of the item the first step created. */
  createdId?: number;
}

/** The user of `persona` in the action's instance: the same member number for every persona of one instance, so item roles line up. */
export function userOf(call: StepCall, persona: string): number {
  const id = call.refs.users[`${persona}#${call.action.member}`];
  if (id === undefined) throw new Error(`no user for ${persona}#${call.action.member}`);
  return id;
}

function created(answer: HttpAnswer): StepResult {
  const id = (answer.body as { id?: unknown } | null)?.id;
  return { answer, createdId: answer.status < 300 && typeof id === 'number' ? id : undefined };
}

const label = (call: StepCall) => `activity ${call.action.workflow} #${call.action.instance}`;

type Step = (call: StepCall) => Promise<StepResult>;

/**
 * Each step of each workflow, as one persona would do it through the API: the
 * same requests and bodies a client sends, no shortcut. `send` puts the
 * action's idempotency key on a POST, so a step retried after a crash is done once.
 */
export const STEPS: Record<WorkflowName, Record<string, Step>> = {
  rfis: {
    create_draft: async (call) => {
      const p = call.refs.project_id;
      return created(
        await call.send('POST', `/rest/v1.0/projects/${p}/rfis`, {
          subject: `${label(call)}: clearance at grid C`,
          question: 'Is the clearance above the duct at grid C enough for the sprinkler main?',
          rfi_manager_id: userOf(call, 'superintendent'),
          assignee_ids: [userOf(call, 'architect')],
        }),
      );
    },
    open: async (call) => ({ answer: await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/rfis/${call.itemId}/actions/open`) }),
    edit: async (call) => {
      const url = `/rest/v1.0/projects/${call.refs.project_id}/rfis/${call.itemId}`;
      const current = await call.send('GET', url);
      if (current.status !== 200) return { answer: current };
      const version = (current.body as { version: number }).version;
      return { answer: await call.send('PATCH', url, { question: `Is the clearance above the duct at grid C enough for the sprinkler main? (checked on site, revision ${version})`, version }) };
    },
    reply: async (call) => ({ answer: await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/rfis/${call.itemId}/replies`, { body: 'Yes: 450 mm clear; keep the main tight to the slab.' }) }),
    close: async (call) => ({ answer: await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/rfis/${call.itemId}/actions/close`) }),
  },
  submittals: {
    create: async (call) =>
      created(
        await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/submittals`, {
          title: `${label(call)}: door hardware product data`,
          submittal_manager_id: userOf(call, 'gc_project_manager'),
          workflow: [{ approvers: [{ user_id: userOf(call, 'architect') }] }],
        }),
      ),
    submit: async (call) => ({ answer: await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/submittals/${call.itemId}/actions/submit`) }),
    respond: async (call) => ({ answer: await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/submittals/${call.itemId}/responses`, { response: 'approved', comment: 'Approved.' }) }),
    close: async (call) => ({ answer: await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/submittals/${call.itemId}/actions/close`) }),
  },
  change_orders: {
    create: async (call) => {
      const cents = 10_000 + ((call.action.instance * 7919) % 500_000);
      return created(
        await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/change_orders`, {
          contract_type: 'prime',
          contract_id: call.refs.prime_contract_id,
          title: `${label(call)}: added blocking at level 2`,
          line_items: [{ budget_line_item_id: call.refs.budget_line_item_id, amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}` }],
        }),
      );
    },
    submit: async (call) => ({ answer: await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/change_orders/${call.itemId}/actions/submit`) }),
    approve: async (call) => ({ answer: await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/change_orders/${call.itemId}/actions/approve`) }),
  },
  photos: {
    upload: async (call) => {
      const parts = [
        ...(call.refs.album_id ? [{ name: 'image_category_id', data: String(call.refs.album_id) }] : []),
        { name: 'description', data: `${label(call)}: progress photo` },
        { name: 'file', filename: `activity-${call.action.instance}.jpg`, contentType: 'image/jpeg', data: await call.photo() },
      ];
      const { body, contentType } = multipartBody(parts);
      return created(await call.send('POST', `/rest/v1.0/projects/${call.refs.project_id}/images`, body, { 'content-type': contentType }));
    },
  },
};
