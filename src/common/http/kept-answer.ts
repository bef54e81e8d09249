import type { FastifyReply } from 'fastify';

/** An answer kept to be served again (edge cache, device view): its body and the headers that describe it. */
export interface KeptAnswer {
  body: unknown;
  headers: Record<string, string>;
}

/** Paging and version headers travel with a kept answer. */
const KEPT_HEADERS = ['total', 'per-page', 'link', 'etag'];

export function keep(reply: FastifyReply, body: unknown): KeptAnswer {
  const headers: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = reply.getHeader(h);
    if (v !== undefined) headers[h] = String(v);
  }
  return { body, headers };
}

export function replay(reply: FastifyReply, kept: KeptAnswer): unknown {
  for (const [k, v] of Object.entries(kept.headers)) void reply.header(k, v);
  return kept.body;
}
