import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { PermissionGuard } from '../src/permissions/permission.guard';
import { fmt, load, Rate } from './support';

type GuardInternals = {
  authorize: (...args: unknown[]) => Promise<void>;
  authenticate: (...args: unknown[]) => Promise<unknown>;
};

export interface GuardBenchInput {
  app: NestFastifyApplication;
  base: string;
  companyId: number;
  token: string;
  seconds: number;
}

/**
 * The guarded project list vs the same route with the guard's work bypassed,
 * in the same process: (a) permission layers 2–9 bypassed (the bypass installs
 * the access context the guard would have computed), (b) everything bypassed.
 */
export async function guardBench(input: GuardBenchInput): Promise<string[]> {
  const { app, base, companyId, token, seconds } = input;
  const url = `${base}/rest/v1.0/companies/${companyId}/projects`;
  const headers = { authorization: `Bearer ${token}`, 'procore-company-id': String(companyId), 'content-type': 'application/json' };

  const guard = app.get(PermissionGuard) as unknown as GuardInternals;
  const realAuthorize = guard.authorize;
  const realAuthenticate = guard.authenticate;

  // Capture the access context the guard computes, to replay it when bypassed.
  let captured: FastifyRequest['access'];
  let capturedAuth: FastifyRequest['auth'];
  guard.authorize = async function (this: unknown, ...args: unknown[]) {
    await realAuthorize.apply(this, args);
    const request = args[0] as FastifyRequest;
    captured = request.access;
    capturedAuth = request.auth;
  };
  const warm = await fetch(url, { headers });
  if (warm.status !== 200) throw new Error(`warm-up failed: ${warm.status} ${await warm.text()}`);

  const modes = {
    guarded: () => {
      guard.authorize = realAuthorize;
      guard.authenticate = realAuthenticate;
    },
    permissions_bypassed: () => {
      guard.authorize = async (...args: unknown[]) => {
        (args[0] as FastifyRequest).access = captured;
      };
      guard.authenticate = realAuthenticate;
    },
    all_bypassed: () => {
      guard.authorize = async (...args: unknown[]) => {
        (args[0] as FastifyRequest).access = captured;
      };
      guard.authenticate = async () => capturedAuth!;
    },
  };
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const results: Record<keyof typeof modes, Rate[]> = { guarded: [], permissions_bypassed: [], all_bypassed: [] };
  // Interleaved rounds so that drift (JIT, caches, other load) hits every mode alike;
  // each round's ratio compares runs seconds apart, and the median round is reported.
  for (let round = 0; round < rounds; round++) {
    for (const [name, apply] of Object.entries(modes) as [keyof typeof modes, () => void][]) {
      apply();
      await load(url, headers, 1, 16); // settle
      results[name].push(await load(url, headers, seconds));
    }
  }
  modes.guarded();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rps = (name: keyof typeof modes) => results[name].map((r) => r.requestsPerSec);
  const costOf = (name: keyof typeof modes) => median(rps('guarded').map((g, i) => 1 - g / rps(name)[i])) * 100;
  const line = (label: string, name: keyof typeof modes) => {
    const r = results[name];
    return `  ${label.padEnd(26)}${fmt(median(rps(name)), 0).padStart(6)} req/s (rounds: ${r.map((x) => fmt(x.requestsPerSec, 0)).join(', ')})  p99 ${median(r.map((x) => x.p99ms))} ms`;
  };
  const bad = Object.values(results).flat().reduce((n, r) => n + r.errors + r.non2xx, 0);
  return [
    `guard: GET /companies/{id}/projects, autocannon 32 connections in a worker thread, ${rounds} interleaved rounds of ${seconds}s`,
    line('guarded', 'guarded'),
    line('permission layers off', 'permissions_bypassed'),
    line('token+limits+layers off', 'all_bypassed'),
    `  permission layers (2-9) cost: ${fmt(costOf('permissions_bypassed'), 1)}% of throughput, median of per-round ratios (goal < 5%)`,
    `  whole guard (token cache + Redis rate-limit round trip + layers) cost: ${fmt(costOf('all_bypassed'), 1)}% of throughput`,
    `  errors/non-2xx during the runs: ${bad}`,
  ];
}