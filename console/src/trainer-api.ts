import { call } from './api';
import { trainer, TrainerClass } from './session';

/** What the class routes answer (see /docs: "Simulator: training classes"). */
export interface SignedIn {
  persona: string | null;
  user_id: number;
  name: string;
  signed_in_at: string;
  expires_at: string;
  last_activity_at: string | null;
}

export interface Trainee {
  trainee: number;
  sandbox_id: number;
  company_id: number;
  sandbox_name: string;
  client_id: string | null;
  projects: { key: string; id: number; name: string | null }[];
  signed_in: SignedIn[];
}

export interface ClassView {
  id: number;
  name: string;
  created_at: string;
  trainees: Trainee[];
}

/** The trainer's calls: the class's routes with its class token, a trainee sandbox's controls with that sandbox's token. */
export function classApi(kept: TrainerClass) {
  const classToken = kept.class_token;
  const sandboxToken = (sandboxId: number) => kept.sandbox_tokens[String(sandboxId)] ?? trainer.get().operator_token;
  return {
    get: () => call<ClassView>('GET', `/_sim/classes/${kept.id}`, { token: classToken }),
    logins: () => call<Logins>('GET', `/_sim/classes/${kept.id}/logins`, { token: classToken }),
    resetAll: () => call<ClassView>('POST', `/_sim/classes/${kept.id}/actions/reset`, { token: classToken }),
    remove: () => call<void>('DELETE', `/_sim/classes/${kept.id}`, { token: classToken }),
    resetOne: (trainee: number) => call<Trainee>('POST', `/_sim/classes/${kept.id}/trainees/${trainee}/actions/reset`, { token: classToken }),
    removeOne: (trainee: number) => call<void>('DELETE', `/_sim/classes/${kept.id}/trainees/${trainee}`, { token: classToken }),
    sandbox: (sandboxId: number) => {
      const token = sandboxToken(sandboxId);
      return {
        settings: () => call<Settings>('GET', `/_sim/sandboxes/${sandboxId}/settings`, { token }),
        setLatency: (profile: string) => call<Settings>('PATCH', `/_sim/sandboxes/${sandboxId}/settings`, { token, body: { latency_profile: profile } }),
        clock: () => call<Clock>('GET', `/_sim/sandboxes/${sandboxId}/clock`, { token }),
        advance: (seconds: number) => call<Clock>('POST', `/_sim/sandboxes/${sandboxId}/clock/actions/advance`, { token, body: { seconds } }),
        freeze: () => call<Clock>('POST', `/_sim/sandboxes/${sandboxId}/clock/actions/freeze`, { token }),
        resume: () => call<Clock>('POST', `/_sim/sandboxes/${sandboxId}/clock/actions/resume`, { token }),
        faults: () => call<Fault[]>('GET', '/_sim/faults', { token }),
        addFault: (rule: Record<string, unknown>) => call<Fault>('POST', '/_sim/faults', { token, body: { ...rule, sandbox_id: sandboxId } }),
        removeFault: (id: number) => call<void>('DELETE', `/_sim/faults/${id}`, { token }),
        load: () => call<Load>('GET', '/_sim/load', { token }),
        startLoad: (load: Record<string, unknown>) => call<Load>('POST', '/_sim/load', { token, body: { ...load, sandbox_id: sandboxId } }),
        stopLoad: () => call<Load>('DELETE', '/_sim/load', { token }),
      };
    },
  };
}

export interface Logins {
  id: number;
  name: string;
  trainees: { trainee: number; sandbox_id: number; client_id: string | null; personas: { key: string; name: string | null; email: string | null; password: string | null; template: string | null }[] }[];
}

export interface Settings {
  latency_profile: string | Record<string, unknown>;
}

export interface Clock {
  now: string;
  frozen: boolean;
  offset_seconds: number;
}

export interface Fault {
  id: number;
  target: string;
  job_name?: string | null;
  route?: string | null;
  effect: string;
  probability: number;
  count?: number | null;
  hits?: number;
}

export type Load = Record<string, unknown>;
