import { hostname } from 'node:os';
import type { AppConfig, SimRole } from '../config/app-config';

/** Which process this is, where several answer on one port or take jobs from one Redis. */
export interface ProcessIdentity {
  name: string;
  role: SimRole;
  pid: number;
  host: string;
}

export function processIdentity(config: AppConfig): ProcessIdentity {
  return { name: config.processName, role: config.role, pid: process.pid, host: hostname() };
}

/**
 * `api-2/4242@build-box`: the name, the pid and the host (containers each have
 * their own pid 1, so the pid alone does not tell them apart). Sent as
 * `X-Sim-Process` and stored as a job's `processed_by`.
 */
export function processLabel(identity: ProcessIdentity): string {
  return `${identity.name}/${identity.pid}@${identity.host}`;
}
