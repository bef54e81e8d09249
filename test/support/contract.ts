import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorBody } from '../../src/common/openapi/schema';

type Json = Record<string, any>;

/** Answers outside the API's contract: the docs UI and the queue dashboard's pages and assets. */
const OUTSIDE = [/^\/docs(\/|$)/, /^\/_sim\/queues\/ui(\/|$)/];

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  op: Json;
}

/** What any path that is not a route answers: the standard 404 `not_found` error (API.md "Errors"). */
const ROUTE_NOT_FOUND = ErrorBody(['not_found'], 404);

/** What this test file's responses exercised, summed over the run by the global teardown. */
const seen = { validated: 0, operations: new Set<string>() };

export function contractLog(): string {
  return join(tmpdir(), `sitesim-contract-${(process.env.SITESIM_TEST_RUN ?? String(process.ppid)).replace(/\W/g, '')}.jsonl`);
}

/** Called once per test file (test/support/contract-setup.ts). */
export function flushContractCounts(): void {
  if (!seen.validated) return;
  appendFileSync(contractLog(), `${JSON.stringify({ validated: seen.validated, operations: [...seen.operations] })}\n`);
  seen.validated = 0;
  seen.operations.clear();
}

export class ContractViolation extends Error {}

/**
 * Every answer the e2e suite sees, checked against the OpenAPI document the app
 * serves: the operation and status must be documented, and the body must match
 * that status's schema (closed objects: a field too many or too few fails).
 */
export class Contract {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: Json) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: 'doc' });
    this.validators.set('#route-not-found', this.ajv.compile(ROUTE_NOT_FOUND));
    for (const [template, item] of Object.entries(document.paths as Json)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`);
      for (const [method, op] of Object.entries(item as Json)) this.operations.push({ method: method.toUpperCase(), template, pattern, op });
    }
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.validators.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `doc#${pointer}` });
      this.validators.set(pointer, v);
    }
    return v;
  }

  /** Throws a `ContractViolation` that says what does not match. */
  check(method: string, url: string, status: number, headers: Record<string, unknown>, text: string): void {
    const path = url.split('?')[0];
    if (OUTSIDE.some((p) => p.test(path))) return;
    const where = `${method} ${path} → ${status}`;
    const found = this.operations.find((o) => o.method === method && o.pattern.test(path)) ?? (method === 'HEAD' ? this.operations.find((o) => o.method === 'GET' && o.pattern.test(path)) : undefined);
    const type = String(headers['content-type'] ?? '').split(';')[0].trim();
    const json = (): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        throw new ContractViolation(`${where}: the body is not JSON (content-type ${type || 'none'})`);
      }
    };
    if (!found) {
      // a route the API does not have answers the standard 404 (or 405) error
      if (status !== 404) throw new ContractViolation(`${where}: no documented operation answers this request`);
      this.validate('#route-not-found', json(), where);
      this.count(`(no route) ${status}`);
      return;
    }
    const pointerBase = `/paths/${escape(found.template)}/${found.method.toLowerCase()}/responses`;
    let key = String(status);
    const parsed = type === 'application/json' && status >= 400 ? (json() as Json) : null;
    // an injected fault answers whatever status its rule names: the `default` answer documents it
    const injected = parsed?.error?.details?.injected === true || parsed?.details?.injected === true;
    if (injected && found.op.responses.default) key = 'default';
    else if (!found.op.responses[key]) {
      throw new ContractViolation(`${where}: status ${status} is not documented for ${found.method} ${found.template} (documented: ${Object.keys(found.op.responses).join(', ')})\n${text.slice(0, 500)}`);
    }
    const response = found.op.responses[key] as Json;
    const media = response.content as Json | undefined;
    if (!media) {
      if (text.length) throw new ContractViolation(`${where}: documented without a body, but answered ${text.slice(0, 200)}`);
    } else if (media['application/json'] && (type === 'application/json' || Object.keys(media).length === 1)) {
      if (type !== 'application/json') throw new ContractViolation(`${where}: documented as JSON, answered ${type || 'no content type'}`);
      this.validate(`${pointerBase}/${key}/content/application~1json/schema`, json(), where);
    } else if (!media[type] && !media['application/octet-stream'] && !media['*/*']) {
      throw new ContractViolation(`${where}: answered ${type}, documented ${Object.keys(media).join(', ')}`);
    }
    this.count(`${found.method} ${found.template} ${key}`);
  }

  private validate(pointer: string, body: unknown, where: string): void {
    const v = this.validators.get(pointer) ?? (pointer.startsWith('#') ? this.validator(pointer.slice(1)) : this.validator(pointer));
    if (!v(body)) {
      const errors = (v.errors ?? []).slice(0, 8).map((e) => `  ${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`);
      throw new ContractViolation(`${where}: the body does not match the documented schema\n${errors.join('\n')}\nbody: ${JSON.stringify(body).slice(0, 800)}`);
    }
  }

  private count(key: string): void {
    seen.validated++;
    seen.operations.add(key);
  }
}

function escape(template: string): string {
  return template.replace(/~/g, '~0').replace(/\//g, '~1');
}
