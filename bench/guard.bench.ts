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
  const results: Record<string, Rate[]> = { guarded: [], permissions_bypassed: [], all_bypassed: [] };
  // Interleaved rounds so that drift (JIT, caches, other load) hits every mode alike.
  for (let round = 0; round < 3; round++) {
    for (const [name, apply] of Object.entries(modes)) {
      apply();
      await load(url, headers, 1, 16); // settle
      results[name].push(await load(url, headers, seconds));
    }
  }
  modes.guarded();
  const median = (rs: Rate[]) => [...rs].sort((a, b) => a.requestsPerSec - b.requestsPerSec)[1];
  const g = median(results.guarded);
  const p = median(results.permissions_bypassed);
  const a = median(results.all_bypassed);
  const bad = Object.values(results).flat().reduce((n, r) => n + r.errors + r.non2xx, 0);
  return [
    `guard: GET /companies/{id}/projects, autocannon 32 connections, 3 interleaved rounds of ${seconds}s, median round`,
    `  guarded                 ${fmt(g.requestsPerSec, 0)} req/s   p50 ${g.p50ms} ms  p99 ${g.p99ms} ms`,
    `  permission guard off    ${fmt(p.requestsPerSec, 0)} req/s   p50 ${p.p50ms} ms  p99 ${p.p99ms} ms`,
    `  auth+limits+guard off   ${fmt(a.requestsPerSec, 0)} req/s   p50 ${a.p50ms} ms  p99 ${a.p99ms} ms`,
    `  permission layers (2-9) cost: ${fmt((1 - g.requestsPerSec / p.requestsPerSec) * 100, 1)}% of throughput (goal < 5%)`,
    `  whole guard (token + rate limit + permissions) cost: ${fmt((1 - g.requestsPerSec / a.requestsPerSec) * 100, 1)}% of throughput`,
    `  errors/non-2xx during the runs: ${bad}`,
  ];
}
