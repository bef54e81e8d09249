import { isDeepStrictEqual } from 'node:util';
import fastJson from 'fast-json-stringify';
import { fmt } from './support';

type Json = Record<string, any>;

/** The schema with every `$ref` to components replaced by the component (the document has no cycles). */
function inline(schema: unknown, components: Json, depth = 0): unknown {
  if (depth > 40) throw new Error('schema too deep (a cycle?)');
  if (Array.isArray(schema)) return schema.map((s) => inline(s, components, depth + 1));
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Json;
  if (typeof s.$ref === 'string') return inline(components[s.$ref.replace('#/components/schemas/', '')], components, depth + 1);
  return Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'example').map(([k, v]) => [k, inline(v, components, depth + 1)]));
}

/** Runs `fn` for about `ms` milliseconds and answers calls per second. */
function rate(fn: () => string, ms: number): number {
  let n = 0;
  let sink = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) sink += fn().length;
    n += 50;
  }
  if (sink < 0) throw new Error('unreachable');
  return n / (ms / 1000);
}

/**
 * Serializing a page of 100 RFIs: `JSON.stringify` (what the app does) against
 * fast-json-stringify compiled from the list operation's 200 schema in the
 * served OpenAPI document, on the same real page, alternating rounds in this
 * process; and the share of a list request's time that serialization is.
 */
export async function serializeBench(base: string, companyId: number, projectId: number, token: string, seconds: number): Promise<string[]> {
  const doc = (await fetch(`${base}/docs/openapi.json`).then((r) => r.json())) as Json;
  const op = doc.paths['/rest/v1.0/projects/{project_id}/rfis'].get;
  const schema = inline(op.responses['200'].content['application/json'].schema, doc.components.schemas) as Json;
  const headers = { authorization: `Bearer ${token}`, 'procore-company-id': String(companyId) };
  // a full page: RFIs are added (drafts of the signed-in PM) until the project has 100
  const listed = Number((await fetch(`${base}/rest/v1.0/projects/${projectId}/rfis?per_page=1`, { headers })).headers.get('total') ?? 0);
  for (let i = listed; i < 100; i++) {
    await fetch(`${base}/rest/v1.0/projects/${projectId}/rfis`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: `Serialization ${i}`, question: 'Which detail governs at this grid line?', draft: true }),
    });
  }
  const page = (await fetch(`${base}/rest/v1.0/projects/${projectId}/rfis?per_page=100`, { headers }).then((r) => r.json())) as unknown[];
  const compiled = fastJson(schema as never);
  // the same data (fast-json-stringify writes keys in the schema's order)
  const same = isDeepStrictEqual(JSON.parse(compiled(page)), page);
  // the request itself, for scale: sequential list requests
  const t0 = performance.now();
  const requests = 50;
  for (let i = 0; i < requests; i++) await fetch(`${base}/rest/v1.0/projects/${projectId}/rfis?per_page=100`, { headers }).then((r) => r.arrayBuffer());
  const requestMs = (performance.now() - t0) / requests;

  const rounds = Math.max(2, Math.round(seconds));
  const slice = (seconds * 1000) / (2 * rounds);
  let plain = 0;
  let fast = 0;
  for (let i = 0; i < rounds; i++) {
    plain += rate(() => JSON.stringify(page), slice);
    fast += rate(() => compiled(page), slice);
  }
  plain /= rounds;
  fast /= rounds;
  const plainMs = 1000 / plain;
  const fastMs = 1000 / fast;
  return [
    `Serializing a page of ${page.length} RFIs (${JSON.stringify(page).length} bytes), ${rounds} alternating rounds; output identical: ${same}`,
    `  JSON.stringify                         ${fmt(plain, 0)} pages/s  (${fmt(plainMs, 3)} ms a page)`,
    `  fast-json-stringify (document schema)  ${fmt(fast, 0)} pages/s  (${fmt(fastMs, 3)} ms a page)`,
    `  ratio: ${fmt(fast / plain, 2)}× JSON.stringify; a list request takes ${fmt(requestMs, 2)} ms sequentially, so serializing is ${fmt((plainMs / requestMs) * 100, 1)}% of it and the schema would save ${fmt(((plainMs - fastMs) / requestMs) * 100, 1)}%`,
  ];
}
