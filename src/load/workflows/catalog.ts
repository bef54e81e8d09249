/** The hand-written workflows: their steps and what consistency each measures (the plan parser checks names against this). */
export const WORKFLOWS = {
  rfi_lifecycle: {
    description: 'subcontractor drafts an RFI → superintendent (its manager) opens it → the architect sees it and answers → the manager closes it',
    steps: ['create_rfi', 'open_rfi', 'poll_rfi_visible', 'answer_rfi', 'close_rfi'],
    consistency: ['visible_to_other'],
  },
  submittal_flow: {
    description: 'project manager creates a two-step submittal and submits it → the architect sees it and approves step 1 → the superintendent step 2 → distribute, close',
    steps: ['create_submittal', 'submit_submittal', 'poll_submittal_visible', 'respond_step_1', 'respond_step_2', 'distribute_submittal', 'close_submittal'],
    consistency: ['visible_to_other'],
  },
  change_order: {
    description: 'project manager creates and submits a change order on a budget line of its own → the owner’s representative approves it → the budget view reflects it',
    steps: ['create_budget_line', 'create_change_order', 'submit_change_order', 'approve_change_order', 'poll_budget'],
    consistency: ['budget_after_co'],
  },
  photo_upload: {
    description: 'superintendent uploads a real JPEG into an album → it is processed (ready) → the architect sees it',
    steps: ['upload_photo', 'poll_photo_ready', 'poll_photo_other'],
    consistency: ['attachment_ready'],
  },
  browse: {
    description: 'reads: projects, the RFI list and one RFI, submittals, the budget, photos, each as a persona who may',
    steps: ['list_projects', 'list_rfis', 'read_rfi', 'list_submittals', 'read_budget', 'list_photos'],
    consistency: [],
  },
} as const;

export type WorkflowName = keyof typeof WORKFLOWS;
export const WORKFLOW_NAMES = Object.keys(WORKFLOWS) as WorkflowName[];
export type ConsistencyKind = 'visible_to_other' | 'budget_after_co' | 'attachment_ready';

/** Signing in is a step of every run (each persona's password grant). */
export const SESSION_STEPS = ['login'] as const;

export function isWorkflowName(name: string): name is WorkflowName {
  return Object.prototype.hasOwnProperty.call(WORKFLOWS, name);
}
