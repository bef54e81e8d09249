/**
 * What the console keeps, in this browser tab's session storage only:
 * the trainer's operator token, class tokens and the class's sandbox tokens
 * (never sent to a trainee's page); the trainee's own access token.
 */

export interface TrainerClass {
  id: number;
  name: string;
  class_token: string;
  /** sandbox id → its sandbox token */
  sandbox_tokens: Record<string, string>;
}

export interface TrainerState {
  operator_token: string | null;
  classes: Record<string, TrainerClass>;
}

export interface TraineeSession {
  access_token: string;
  client_id: string;
  company_id: number;
  user: { id: number; name: string; login: string };
}

export interface PendingSignIn {
  state: string;
  verifier: string;
  client_id: string;
  redirect_uri: string;
}

const TRAINER = 'sitesim.console.trainer';
const TRAINEE = 'sitesim.console.trainee';
const PENDING = 'sitesim.console.signin';
const NOTICE = 'sitesim.console.notice';

function read<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  if (value === null) sessionStorage.removeItem(key);
  else sessionStorage.setItem(key, JSON.stringify(value));
}

export const trainer = {
  get(): TrainerState {
    return read<TrainerState>(TRAINER) ?? { operator_token: null, classes: {} };
  },
  set(state: TrainerState): void {
    write(TRAINER, state);
  },
  update(fn: (s: TrainerState) => void): TrainerState {
    const s = trainer.get();
    fn(s);
    trainer.set(s);
    return s;
  },
  classOf(id: number | string): TrainerClass | null {
    return trainer.get().classes[String(id)] ?? null;
  },
};

export const trainee = {
  get: (): TraineeSession | null => read<TraineeSession>(TRAINEE),
  set: (s: TraineeSession | null): void => write(TRAINEE, s),
};

export const pending = {
  get: (): PendingSignIn | null => read<PendingSignIn>(PENDING),
  set: (s: PendingSignIn | null): void => write(PENDING, s),
};

/** A one-time message for the next page (e.g. why the trainee was sent back to sign in). */
export const notice = {
  take(): string | null {
    const n = read<string>(NOTICE);
    write(NOTICE, null);
    return n;
  },
  set: (message: string): void => write(NOTICE, message),
};
