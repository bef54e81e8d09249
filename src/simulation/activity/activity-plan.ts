import { uniform01 } from '../../queues/latency';

/** The workflows synthetic users work through, each a fixed sequence of steps by persona. */
export const WORKFLOWS = {
  rfis: [
    { step: 'create_draft', persona: 'subcontractor' },
    { step: 'open', persona: 'superintendent' },
    { step: 'edit', persona: 'gc_project_manager' },
    { step: 'reply', persona: 'architect' },
    { step: 'close', persona: 'superintendent' },
  ],
  submittals: [
    { step: 'create', persona: 'gc_project_manager' },
    { step: 'submit', persona: 'gc_project_manager' },
    { step: 'respond', persona: 'architect' },
    { step: 'close', persona: 'gc_project_manager' },
  ],
  change_orders: [
    { step: 'create', persona: 'gc_project_manager' },
    { step: 'submit', persona: 'gc_project_manager' },
    { step: 'approve', persona: 'gc_project_manager' },
  ],
  photos: [{ step: 'upload', persona: 'superintendent' }],
} as const satisfies Record<string, readonly { step: string; persona: string }[]>;

/** Bounds of one run. */
export const ACTIVITY_LIMITS = { rate_per_minute: 1200, duration_seconds: 8 * 3600, users_per_persona: 5, actions: 20_000 } as const;

export type WorkflowName = keyof typeof WORKFLOWS;
export const WORKFLOW_NAMES = Object.keys(WORKFLOWS) as WorkflowName[];

/** The personas a mix needs on its project. */
export function personasOf(mix: Partial<Record<WorkflowName, number>>): string[] {
  const keys = WORKFLOW_NAMES.filter((w) => (mix[w] ?? 0) > 0).flatMap((w) => WORKFLOWS[w].map((s) => s.persona as string));
  return [...new Set(keys)].sort();
}

export interface ActivitySpec {
  seed: number;
  rate_per_minute: number;
  duration_seconds: number;
  users_per_persona: number;
  mix: Partial<Record<WorkflowName, number>>;
}

/** One planned action: when it is due (ms after the start), which step of which instance, by whom. */
export interface PlannedAction {
  index: number;
  at_ms: number;
  workflow: WorkflowName;
  /** The instance of the workflow (its n-th RFI, submittal, …), numbered from 1 per workflow. */
  instance: number;
  step: string;
  /** Index of the step in its workflow (0 creates the item). */
  step_index: number;
  persona: string;
  /** Which of the persona's users acts: 1 is the persona itself, 2… its generated members. */
  member: number;
}

/** Share of actions that start a new instance while others are still open (the rest move the oldest on). */
const START_SHARE = 0.35;
/** At most this many instances of one workflow are open at once. */
const MAX_OPEN = 8;

/**
 * The whole sequence of actions of a run, from its seed alone: the same seed,
 * rate, duration, users and mix give the same actions in the same order at the
 * same offsets, whatever the API answers. Actions arrive at a constant rate;
 * each picks a workflow by the mix's weights, then either starts a new instance
 * or moves the oldest open one a step on (so an instance's steps are spread out
 * like a user's day, and several are in flight at once).
 */
export function planActions(spec: ActivitySpec): PlannedAction[] {
  const total = Math.floor((spec.rate_per_minute * spec.duration_seconds) / 60);
  const weights = WORKFLOW_NAMES.map((w) => Math.max(0, spec.mix[w] ?? 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return [];
  const interval = 60_000 / spec.rate_per_minute;
  const open = new Map<WorkflowName, { instance: number; next: number; member: number }[]>(WORKFLOW_NAMES.map((w) => [w, []]));
  const started = new Map<WorkflowName, number>(WORKFLOW_NAMES.map((w) => [w, 0]));
  const actions: PlannedAction[] = [];
  for (let index = 0; index < total; index++) {
    const pick = uniform01(spec.seed, 'activity:workflow', index) * sum;
    let acc = 0;
    let w = weights.findIndex((x) => x > 0 && (acc += x) > pick);
    if (w === -1) w = weights.map((x) => x > 0).lastIndexOf(true);
    const workflow = WORKFLOW_NAMES[w];
    const steps = WORKFLOWS[workflow];
    const inFlight = open.get(workflow)!;
    const startNew = inFlight.length === 0 || (inFlight.length < MAX_OPEN && uniform01(spec.seed, 'activity:start', index) < START_SHARE);
    let item: { instance: number; next: number; member: number };
    if (startNew) {
      const instance = started.get(workflow)! + 1;
      started.set(workflow, instance);
      item = { instance, next: 0, member: 1 + Math.floor(uniform01(spec.seed, 'activity:member', index) * spec.users_per_persona) };
      if (steps.length > 1) inFlight.push(item);
    } else {
      item = inFlight[0];
    }
    const step = steps[item.next];
    actions.push({ index, at_ms: Math.round(index * interval), workflow, instance: item.instance, step: step.step, step_index: item.next, persona: step.persona, member: item.member });
    item.next += 1;
    if (!startNew && item.next >= steps.length) inFlight.shift();
  }
  return actions;
}

/**
 * Requests a run sends per user token in the busiest 10-second window and in
 * the busiest hour (each action is about `requestsPerAction` requests), to
 * hold against the sandbox's rate limits before anything starts.
 */
export function peakRequests(actions: readonly PlannedAction[], requestsPerAction: number): { spike_10s: number; hourly: number; user: string } {
  const windows = (size: number) => {
    const counts = new Map<string, number>();
    let best = { count: 0, user: '' };
    for (const a of actions) {
      const user = `${a.persona}#${a.member}`;
      const key = `${user}@${Math.floor(a.at_ms / size)}`;
      const n = (counts.get(key) ?? 0) + requestsPerAction;
      counts.set(key, n);
      if (n > best.count) best = { count: n, user };
    }
    return best;
  };
  const spike = windows(10_000);
  const hour = windows(3_600_000);
  return { spike_10s: spike.count, hourly: hour.count, user: spike.count ? spike.user : hour.user };
}
