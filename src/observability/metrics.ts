import { Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { processIdentity } from './process-identity';

/** The Prometheus metrics of one process (its own registry, so that apps in one process do not collide). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'sitesim_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly denials = new Counter({
    name: 'sitesim_permission_denials_total',
    help: 'Requests refused by the permission engine, by error code and layer',
    labelNames: ['code', 'layer'] as const,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'sitesim_http_errors_total',
    help: 'Error answers by stable error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly activityActions = new Counter({
    name: 'sitesim_activity_actions_total',
    help: 'Actions of simulated activity run by this process, by workflow, step and outcome (ok, failed, skipped)',
    labelNames: ['workflow', 'step', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Always 1: its labels say which process these metrics are of (several may answer on one port). */
  readonly processInfo = new Gauge({
    name: 'sitesim_process_info',
    help: 'The process these metrics are of: its name, role, pid and host',
    labelNames: ['name', 'role', 'pid', 'host'] as const,
    registers: [this.registry],
  });

  constructor(config: AppConfig) {
    collectDefaultMetrics({ register: this.registry, prefix: 'sitesim_' });
    const me = processIdentity(config);
    this.processInfo.set({ name: me.name, role: me.role, pid: String(me.pid), host: me.host }, 1);
  }
}
