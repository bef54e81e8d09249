import { setTimeout as sleep } from 'node:timers/promises';
import { HttpEngine } from './http-engine';
import { Plan } from './plan';

export const PERSONA_KEYS = ['company_admin', 'gc_project_manager', 'superintendent', 'subcontractor', 'architect', 'owner_rep'] as const;
export type PersonaKey = (typeof PERSONA_KEYS)[number];

export interface Persona {
  key: PersonaKey;
  userId: number;
  email: string;
  password: string;
}

/** The sandbox a run works in. */
export interface Target {
  url: string;
  sandboxId: number;
  companyId: number;
  /** Drives `/_sim` for this sandbox (null when the controls are open and none was given). */
  simToken: string | null;
  created: boolean;
  keep: boolean;
  personas: Map<PersonaKey, Persona>;
  projects: { first: number; second: number | null };
}

/** The target cannot be used (unreachable, refused, not a training sandbox): the run does not start. */
export class TargetError extends Error {}

interface SandboxBody {
  id: number;
  company_id: number;
  template: string;
  sandbox_token?: string;
  personas: { key: string; user_id: number; email: string | null; password: string | null }[];
  projects: { key: string; id: number }[];
}

const where = (plan: Plan) => `${plan.file}${plan.target.line ? `:${plan.target.line}` : ''}`;

/** Any HTTP answer from /health proves the target is there; no answer stops the run before anything is made. */
export async function probe(engine: HttpEngine, plan: Plan): Promise<void> {
  try {
    await engine.exchange({ method: 'GET', path: '/health' });
  } catch (err) {
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    throw new TargetError(`${where(plan)}: target ${plan.target.url} is unreachable (${e.code ?? e.cause?.code ?? e.message ?? String(err)})`);
  }
}

/** Creates the run's sandbox (and applies its settings), or finds the existing one its token drives. */
export async function prepareTarget(engine: HttpEngine, plan: Plan, runTag: string): Promise<Target> {
  const s = plan.target.sandbox;
  if (s.kind === 'existing') {
    const list = await engine.exchange<{ id: number }[]>({ method: 'GET', path: '/_sim/sandboxes', token: s.token });
    if (list.status !== 200 || !Array.isArray(list.body) || list.body.length !== 1) {
      throw new TargetError(`${where(plan)}: the sandbox_token does not name a sandbox on ${plan.target.url} (GET /_sim/sandboxes answered ${list.status}${describe(list.body)})`);
    }
    const one = await engine.exchange<SandboxBody>({ method: 'GET', path: `/_sim/sandboxes/${list.body[0].id}`, token: s.token });
    if (one.status !== 200) throw new TargetError(`${where(plan)}: cannot read sandbox ${list.body[0].id} (${one.status}${describe(one.body)})`);
    return fromBody(plan, one.body, s.token, false, false);
  }
  const token = plan.target.operatorToken ?? process.env.SIM_OPERATOR_TOKEN ?? undefined;
  const created = await engine.exchange<SandboxBody>({
    method: 'POST',
    path: '/_sim/sandboxes',
    token,
    json: { name: s.name ?? `load ${plan.name} ${runTag}`.slice(0, 100), template: s.template, seed: plan.seed },
  });
  if (created.status !== 201) throw new TargetError(`${where(plan)}: could not create a sandbox on ${plan.target.url} (POST /_sim/sandboxes answered ${created.status}${describe(created.body)}); give target.operator_token or SIM_OPERATOR_TOKEN where the controls are not open`);
  let target: Target;
  try {
    target = fromBody(plan, created.body, created.body.sandbox_token ?? null, true, s.keep);
  } catch (err) {
    // Created but unusable: it goes again at once.
    const id = created.body.id;
    await engine.exchange({ method: 'DELETE', path: `/_sim/sandboxes/${id}`, token: created.body.sandbox_token ?? token }).catch(() => undefined);
    throw err;
  }
  if (s.settings) {
    const res = await engine.exchange({ method: 'PATCH', path: `/_sim/sandboxes/${target.sandboxId}/settings`, token: target.simToken ?? undefined, json: s.settings });
    if (res.status !== 200) {
      await releaseTarget(engine, target, true);
      throw new TargetError(`${where(plan)}: target.sandbox.settings refused (${res.status}${describe(res.body)}); the sandbox was deleted again`);
    }
  }
  return target;
}

function fromBody(plan: Plan, body: SandboxBody, simToken: string | null, created: boolean, keep: boolean): Target {
  const personas = new Map<PersonaKey, Persona>();
  for (const p of body.personas) {
    if ((PERSONA_KEYS as readonly string[]).includes(p.key) && p.email && p.password) personas.set(p.key as PersonaKey, { key: p.key as PersonaKey, userId: p.user_id, email: p.email, password: p.password });
  }
  const first = body.projects.find((p) => p.key === 'first');
  const missing = PERSONA_KEYS.filter((k) => !personas.has(k));
  if (body.template !== 'training' || !first || missing.length) {
    throw new TargetError(`${where(plan)}: sandbox ${body.id} is not a training sandbox with every persona (missing: ${missing.join(', ') || 'the first project'}); the workflows need the training personas`);
  }
  return {
    url: plan.target.url,
    sandboxId: body.id,
    companyId: body.company_id,
    simToken,
    created,
    keep,
    personas,
    projects: { first: first.id, second: body.projects.find((p) => p.key === 'second')?.id ?? null },
  };
}

/** Deletes a sandbox the run created (unless the plan keeps it). */
export async function releaseTarget(engine: HttpEngine, target: Target, force = false): Promise<{ deleted: boolean; status?: number }> {
  if (!target.created || (target.keep && !force)) return { deleted: false };
  const token = target.simToken ?? undefined;
  // the run's jobs first (a recalculation or an upload still running): deleting under them can deadlock
  await engine.exchange({ method: 'POST', path: `/_sim/settle?project_id=${target.projects.first}&timeout_ms=15000`, token }).catch(() => undefined);
  let status: number | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await engine.exchange({ method: 'DELETE', path: `/_sim/sandboxes/${target.sandboxId}`, token });
      status = res.status;
      if (res.status < 500) break;
    } catch {
      /* tried again below */
    }
    await sleep(500 * (attempt + 1));
  }
  return { deleted: status === 204 || status === 200, status };
}

function describe(body: unknown): string {
  const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return e?.code ? `: ${e.code}${e.message ? ` — ${e.message}` : ''}` : '';
}
