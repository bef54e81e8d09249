import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ApiClient } from '../support/api-client';
import { TestApp } from '../support/test-app';

const run = promisify(execFile);
const root = resolve(__dirname, '..', '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

type Json = Record<string, any>;

/** Every schema object in a document, with where it is. */
function* schemasIn(node: unknown, at: string): Generator<[string, Json]> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) yield* schemasIn(n, `${at}/${i}`);
    return;
  }
  const obj = node as Json;
  if (typeof obj.type === 'string' || obj.properties || obj.allOf || obj.anyOf) yield [at, obj];
  for (const [k, v] of Object.entries(obj)) if (k !== 'example' && k !== 'examples') yield* schemasIn(v, `${at}/${k}`);
}

/**
 * The OpenAPI document is a contract: complete for every operation, lint-clean
 * with Redocly's recommended rules, closed objects everywhere, and good enough
 * to generate a typed client that compiles against real usage.
 */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let api: ApiClient;
  let doc: Json;
  let dir: string;
  const operations: [string, string, Json][] = [];

  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
    api = t.client();
    const res = await api.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
    for (const [path, item] of Object.entries(doc.paths as Json)) for (const [method, op] of Object.entries(item as Json)) operations.push([path, method, op]);
    dir = mkdtempSync(join(tmpdir(), 'sitesim-openapi-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc, null, 2));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.stop();
  });

  it('passes `redocly lint` with the recommended rules: no errors, no warnings', async () => {
    const out = await run(bin('redocly'), ['lint', join(dir, 'openapi.json'), '--config', join(root, 'redocly.yaml'), '--format=json', '--max-problems=1000'], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const report = JSON.parse(out.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
    const problems = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect({ totals: report.totals, problems: problems.slice(0, 30) }).toEqual({ totals: { errors: 0, warnings: 0, ignored: 0 }, problems: [] });
  }, 120_000);

  it('gives every operation a summary, typed parameters, a success answer with its schema, and its errors', () => {
    const missing: string[] = [];
    for (const [path, method, op] of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      if (!op.summary) missing.push(`${name}: no summary`);
      for (const p of op.parameters ?? []) if (!p.schema?.type) missing.push(`${name}: parameter ${p.name} has no type`);
      const success = Object.entries(op.responses as Json).filter(([s]) => /^[23]\d\d$/.test(s));
      if (!success.length) missing.push(`${name}: no success answer`);
      for (const [status, r] of success) {
        if (status !== '204' && !status.startsWith('3') && !r.content) missing.push(`${name}: ${status} has no body schema`);
      }
      const errors = Object.keys(op.responses).filter((s) => /^[45]\d\d$/.test(s));
      if (!errors.length) missing.push(`${name}: no error answers`);
      if (!op.responses.default) missing.push(`${name}: no default (injected fault) answer`);
    }
    expect(missing).toEqual([]);
  });

  it('closes every object schema (additionalProperties false, or an explicit map)', () => {
    const open: string[] = [];
    for (const [at, schema] of schemasIn({ paths: doc.paths, components: doc.components }, '#')) {
      if (schema.type === 'object' && schema.additionalProperties === undefined) open.push(at);
      if (schema.additionalProperties === true && !schema.description) open.push(`${at} (open without saying why)`);
    }
    expect(open.slice(0, 20)).toEqual([]);
  });

  it('answers every error with the API.md error shape, the OAuth endpoints with RFC 6749 fields, the sign-in form with its page', () => {
    for (const [path, , op] of operations) {
      for (const [status, r] of Object.entries(op.responses as Json)) {
        if (!/^[45]\d\d$|^default$/.test(status)) continue;
        // the browser sign-in form shows its errors on the page it answers
        if (path === '/oauth/authorize' && !r.content['application/json']) {
          expect(Object.keys(r.content)).toEqual(['text/html']);
          continue;
        }
        const schema = r.content['application/json'].schema;
        if (path === '/oauth/token' || path === '/oauth/revoke') expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['error', 'error_description', 'code', 'message']));
        else expect(schema.properties.error.properties).toMatchObject({ status: expect.any(Object), code: expect.any(Object), message: expect.any(Object), details: expect.any(Object), request_id: expect.any(Object) });
      }
    }
  });

  it('names the permission action of every guarded operation in its description and as x-permission-action', () => {
    const op = doc.paths['/rest/v1.0/projects/{project_id}/users'].post;
    expect(op['x-permission-action']).toBe('directory.add_user');
    expect(op.description).toContain('`directory.add_user`');
    expect(op.description).toContain("granular 'directory.add_from_company_directory'");
  });

  it('generates a typed client with openapi-typescript that type-checks against test/typed-client/usage.ts', async () => {
    const generated = join(dir, 'sitesim.d.ts');
    await run(bin('openapi-typescript'), [join(dir, 'openapi.json'), '--output', generated], { cwd: root });
    expect(readFileSync(generated, 'utf8')).toContain('export interface paths');
    const usage = readFileSync(join(root, 'test', 'typed-client', 'usage.ts'), 'utf8').replace("'./generated/sitesim'", `'${generated.replace(/\.d\.ts$/, '')}'`);
    writeFileSync(join(dir, 'usage.ts'), usage);
    const tsc = await run(bin('tsc'), ['--noEmit', '--strict', '--target', 'es2022', '--module', 'commonjs', '--skipLibCheck', join(dir, 'usage.ts')], { cwd: root }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? 'tsc failed', failed: true }),
    );
    expect(tsc).not.toHaveProperty('failed');
  }, 120_000);
});
