import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Type } from '@sinclair/typebox';
import { ACTIONS, ruleOf } from '../../permissions/matrix/action-matrix';
import { describeRule } from '../../permissions/describe-rule';
import { isCompanyTool } from '../../permissions/resolver';
import { ROUTE_ACCESS, type RouteAccess } from '../../permissions/route-access';
import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes';
import { OAUTH_JSON_ROUTES } from '../errors/oauth-errors';
import { DEFAULT_PER_PAGE, type FilterKind, type ListSpec, MAX_PER_PAGE } from '../pagination/list-query';
import { API_DOC, type DocAnswer, type DocOptions, type DocQueryParam } from './doc.decorator';
import { exampleOf } from './examples';
import { ALL_ERROR_CODES, ErrorBody, Named, OAuthErrorBody, Obj } from './schema';

type Json = Record<string, any>;
type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** What the builder knows of one handler. */
interface HandlerInfo {
  access: RouteAccess | undefined;
  doc: DocOptions | undefined;
  /** Its `@HttpCode`: the status of its success answer unless the doc names one. */
  httpCode: number | undefined;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is malformed, or names no company',
  401: 'Not signed in, or the token expired, was revoked or belongs to a deactivated user',
  403: 'Refused by a permission layer: `details` names the layer, and what is had and needed',
  404: 'The route, project or item is unknown in this company',
  406: 'The `Accept` header admits none of the types the route answers',
  408: "The upload stopped, settling took longer than asked, or a device's simulated network could not bring the whole answer within its timeout",
  409: 'The item changed since it was read, or the same request is still running',
  410: 'The item was there but its time is up (an expired segmented upload)',
  413: 'The body or file is larger than allowed',
  415: 'The file type is not accepted here',
  422: 'The input is invalid (`details.fields` names each field), or the item cannot make this change',
  423: 'The account or item is locked',
  429: 'Too many requests (`Retry-After` says when to retry)',
  503: 'The system is under (simulated) load, or a service it needs is down (`Retry-After` says when to retry)',
};

/** Path parameters that are not integer ids. */
const STRING_PARAMS: Record<string, DocQueryParam> = {
  device_id: { schema: Type.String({ maxLength: 64, example: 'tablet-1' }), description: 'The device, as named by its `X-Device-Id`' },
  key: { schema: Type.String({ example: 'webhook_receiver_down' }), description: 'A scenario key from `GET /_sim/scenarios`' },
  tool: { schema: Type.String({ example: 'rfis' }), description: 'A project tool name from `GET .../tools`' },
};

const header = (description: string, schema: Json = { type: 'string' }): Json => ({ description, schema });

/** An `X-Device-Id` as the devices module accepts it (anything else answers 422). */
const DEVICE_KEY = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$', maxLength: 128, example: 'tablet-1' });

/** What a write under /rest answers from an offline device (`X-Device-Id`): kept on the device, applied when it is back online. */
const QueuedOffline = Named(
  'QueuedOfflineWrite',
  Obj({
    queued: Type.Boolean({ enum: [true] } as object),
    device_id: DEVICE_KEY,
    write_id: Type.Integer({ minimum: 1 }),
    position: Type.Integer({ minimum: 1, description: "The write's place in the device's queue" }),
    files: Type.Integer({ minimum: 0, description: 'Files the device keeps with the write (a photo taken offline), sent with it when it is back online; 0 for a JSON write' }),
    message: Type.String(),
  }),
);
const WRITE_METHODS: readonly Method[] = ['post', 'patch', 'put', 'delete'];
const RATE_HEADERS: Json = {
  'X-Rate-Limit-Limit': header('Requests allowed per hour for this token', { type: 'integer' }),
  'X-Rate-Limit-Remaining': header('Requests left in this hour', { type: 'integer' }),
  'X-Rate-Limit-Reset': header('When the hourly window resets (epoch seconds)', { type: 'integer' }),
};
const REQUEST_ID_HEADER: Json = { 'X-Request-Id': header('The request id (echoed when the client sent one); also in error bodies') };

/** Where each error code comes from, for a route of this kind: declared once here, not per route. */
function impliedErrors(path: string, method: Method, access: RouteAccess | undefined, takesBody: boolean): ErrorCode[] {
  const codes: ErrorCode[] = [];
  const rest = path.startsWith('/rest/');
  const kind = access?.kind;
  if (kind && kind !== 'public' && kind !== 'sim_control') {
    // 503: a simulated overload, or Redis (rate limits, caches, idempotency) unreachable
    codes.push('unauthenticated', 'session_expired', 'account_inactive', 'system_overloaded', 'service_unavailable');
    // a malformed X-Device-Id answers 422 on any route under /rest; a device on a weak network may time out (408)
    if (rest) codes.push('rate_limited', 'validation_failed', 'device_timeout');
  }
  // the company header is missing (company_header_missing), not an id (invalid_request), or names another company
  if (kind === 'company_member' || kind === 'project_member' || kind === 'action') codes.push('company_header_missing', 'invalid_request', 'not_in_company');
  const onProject = kind === 'project_member' || (access?.kind === 'action' && access.projectFrom !== null);
  if (onProject) codes.push('not_project_member', 'not_found');
  if (access?.kind === 'action') {
    codes.push('permission_denied');
    if (!isCompanyTool(ruleOf(access.action).tool)) codes.push('tool_inactive');
  }
  if (kind === 'sim_control') codes.push('unauthenticated', 'permission_denied', 'service_unavailable');
  if (/\{\w+\}/.test(path)) codes.push('not_found');
  if (takesBody) codes.push('invalid_request', 'validation_failed', 'request_too_large');
  if (method === 'post' && rest) codes.push('idempotency_key_reused', 'idempotency_in_progress');
  return codes;
}

function permissionText(access: RouteAccess | undefined): string {
  switch (access?.kind) {
    case 'action':
      return `Action \`${access.action}\`: ${describeRule(access.action)}`;
    case 'public':
      return `Public: ${access.reason}.`;
    case 'authenticated':
      return 'Any signed-in user.';
    case 'company_member':
      return 'Any user of the company named by `Procore-Company-Id`.';
    case 'project_member':
      return 'Any active member of the project (whatever their tools), or a company Directory admin.';
    case 'sim_control':
      return "Simulator control: the sandbox's `sandbox_token`, the operator token, or anyone when controls are open (local default).";
    default:
      return '';
  }
}

function filterSchema(kind: FilterKind): Json {
  switch (kind.kind) {
    case 'int':
      return { type: 'integer', minimum: 1 };
    case 'ints':
      return { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 1000 };
    case 'string':
      return { type: 'string', maxLength: kind.maxLength ?? 255 };
    case 'bool':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'enum':
      return { type: 'string', enum: [...kind.values] };
  }
}

function listParameters(spec: ListSpec): Json[] {
  const sorts = spec.sorts.flatMap((s) => [s, `-${s}`]);
  const params: Json[] = [
    { name: 'page', in: 'query', required: false, description: 'The page, from 1', schema: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 } },
    { name: 'per_page', in: 'query', required: false, description: 'Items per page', schema: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: DEFAULT_PER_PAGE } },
    { name: 'sort', in: 'query', required: false, description: 'A field to sort by; `-field` for descending', schema: { type: 'string', enum: sorts, default: spec.defaultSort } },
  ];
  const filters = Object.entries(spec.filters as Record<string, FilterKind>);
  if (filters.length) {
    params.push({
      name: 'filters',
      in: 'query',
      required: false,
      style: 'deepObject',
      explode: true,
      description: `Filters as \`filters[name]=value\` (${filters.map(([n]) => n).join(', ')}); an unknown filter answers 422`,
      schema: { type: 'object', additionalProperties: false, properties: Object.fromEntries(filters.map(([n, k]) => [n, filterSchema(k)])) },
    });
  }
  return params;
}

function param(name: string, place: string, p: DocQueryParam): Json {
  return { name, in: place, required: p.required ?? false, description: p.description, schema: p.schema };
}

/** The handlers by the operation id that `@nestjs/swagger` gives them (`Controller_method`). */
function handlers(app: NestFastifyApplication): Map<string, HandlerInfo> {
  const out = new Map<string, HandlerInfo>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      for (const key of Object.getOwnPropertyNames(type.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(type.prototype, key)?.value;
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        out.set(`${type.name}_${key}`, {
          access: Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, type),
          doc: Reflect.getMetadata(API_DOC, handler),
          httpCode: Reflect.getMetadata(HTTP_CODE_METADATA, handler),
        });
      }
    }
  }
  return out;
}

function defaultStatus(method: Method, answer: DocAnswer, httpCode?: number): number {
  if (answer.status) return answer.status;
  if (httpCode) return httpCode;
  if (method === 'delete') return 204;
  return method === 'post' ? 201 : 200;
}

function content(answer: DocAnswer, list: boolean): Json | undefined {
  if (answer.media === 'text/html' || answer.media === 'text/plain') return { [answer.media]: { schema: { type: 'string' } } };
  if (answer.media === 'binary') return Object.fromEntries((answer.types ?? ['application/octet-stream']).map((t) => [t, { schema: { type: 'string', format: 'binary' } }]));
  if (!answer.schema) return undefined;
  const schema = list ? { type: 'array', items: answer.schema } : answer.schema;
  return { 'application/json': { schema } };
}

/**
 * Moves every schema that carries `$id` (see `Named`) into components and puts a
 * `$ref` in its place, everywhere in the document.
 */
function hoistNamed(node: unknown, components: Json, seen = new Map<string, string>()): unknown {
  if (Array.isArray(node)) return node.map((n) => hoistNamed(n, components, seen));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) if (k !== '$id') out[k] = hoistNamed(v, components, seen);
  if (typeof obj.$id === 'string') {
    const name = obj.$id;
    const text = JSON.stringify(out);
    const before = seen.get(name);
    if (before !== undefined && before !== text) throw new Error(`Two different schemas are both named ${name}`);
    seen.set(name, text);
    components[name] = out;
    return { $ref: `#/components/schemas/${name}` };
  }
  return out;
}

/** DTO classes describe request bodies; the API refuses unknown fields (422), so their schemas are closed. */
function closeRequestSchemas(schemas: Json): void {
  for (const schema of Object.values(schemas)) {
    if (schema.type === 'object' && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
}

function errorResponses(codes: ErrorCode[], oauth: boolean): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const out: Json = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schema = oauth ? OAuthErrorBody(list, status) : ErrorBody(list, status);
    out[String(status)] = {
      description: `${STATUS_TEXT[status] ?? 'An error'}: ${list.map((c) => `\`${c}\``).join(', ')}`,
      headers: { ...REQUEST_ID_HEADER, ...(status === 429 || status === 503 ? { 'Retry-After': header('Seconds to wait before retrying', { type: 'integer' }) } : {}) },
      content: { 'application/json': { schema } },
    };
  }
  const any = oauth ? OAuthErrorBody(ALL_ERROR_CODES, null) : ErrorBody(ALL_ERROR_CODES, null);
  out.default = {
    description: 'A fault injected by a `/_sim/faults` rule (`details.injected` is true), with the status the rule names',
    headers: REQUEST_ID_HEADER,
    content: { 'application/json': { schema: any } },
  };
  return out;
}

export interface DocumentProblems {
  /** Operations that lack their contract (`@Doc`), by operation id. */
  undocumented: string[];
}

/**
 * Builds the OpenAPI document: `@nestjs/swagger` reads routes and request DTOs,
 * then each operation gets its contract from `@Doc` and what its access, path
 * and method imply (parameters, headers, every error status), examples from its
 * schemas, and named schemas move to components.
 */
export function buildDocument(app: NestFastifyApplication, serverUrl = '/'): { document: OpenAPIObject; problems: DocumentProblems } {
  const base = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('sitesim')
      .setDescription(
        'A simulated construction-collaboration backend: the platform-shaped REST API (`/rest/v1.0`), with layered permissions ' +
          `enforced per action (${ACTIONS.length} actions; each operation names its action and who may perform it), and the simulator controls (\`/_sim\`). ` +
          'Every error answers one shape (`{"error": {status, code, message, details, request_id}}`); the OAuth endpoints add RFC 6749 `error` and `error_description`.',
      )
      .setVersion('0.1.0')
      .setLicense('UNLICENSED', 'https://example.invalid/unlicensed')
      .addServer(serverUrl, 'This sitesim')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An OAuth access token, or for `/_sim` a sandbox token or the operator token' }, 'bearer')
      .build(),
  ) as Json;
  const info = handlers(app);
  const problems: DocumentProblems = { undocumented: [] };
  const schemas: Json = base.components?.schemas ?? {};
  closeRequestSchemas(schemas);

  for (const [path, item] of Object.entries(base.paths as Json)) {
    for (const method of Object.keys(item) as Method[]) {
      const op: Json = item[method];
      const id = String(op.operationId).replace(/\[\d+\]$/, '');
      const { access, doc, httpCode } = info.get(id) ?? { access: undefined, doc: undefined, httpCode: undefined };
      if (!doc) problems.undocumented.push(`${method.toUpperCase()} ${path} (${id})`);
      const takesBody = op.requestBody !== undefined || doc?.body !== undefined;
      const oauth = OAUTH_JSON_ROUTES.includes(path);

      op.summary = doc?.summary ?? '';
      op.description = [doc?.description, permissionText(access)].filter(Boolean).join('\n\n');
      if (access?.kind === 'action') op['x-permission-action'] = access.action;

      // parameters: path (every one, typed), the route kind's headers, the list's or doc's query
      const given: Json[] = (op.parameters ?? []).filter((p: Json) => p.in === 'header');
      const params: Json[] = [];
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        const p = doc?.params?.[name] ?? STRING_PARAMS[name] ?? { schema: Type.Integer({ minimum: 1 }), description: `The ${name.replace(/_id$/, '').replace(/_/g, ' ')} id` };
        params.push({ ...param(name, 'path', p), required: true });
      }
      for (const h of given) params.push({ ...h, schema: { type: 'integer', minimum: 1 }, example: 7 });
      if (path.startsWith('/rest/')) {
        params.push(param('X-Device-Id', 'header', { schema: DEVICE_KEY, description: 'Act as this device: reads as of its last sync; offline writes are queued (202); its simulated network (`/_sim/devices/{id}/network`) paces the answer or times it out (408 `device_timeout`)' }));
      }
      if (method === 'post' && path.startsWith('/rest/')) {
        params.push(param('Idempotency-Key', 'header', { schema: Type.String({ maxLength: 255 }), description: 'Replays the first answer for the same key and body within 24 h' }));
      }
      const versioned = doc?.errors?.includes('edit_conflict');
      if (versioned) params.push(param('If-Match', 'header', { schema: Type.String({ example: '"3"' }), description: 'The version the change is based on (`"<version>"`); a stale one answers 409 `edit_conflict`' }));
      for (const [name, h] of Object.entries(doc?.headers ?? {})) params.push(param(name, 'header', h));
      if (doc?.list) params.push(...listParameters(doc.list));
      for (const [name, q] of Object.entries(doc?.query ?? {})) params.push(param(name, 'query', q));
      op.parameters = params;
      if (!params.length) delete op.parameters;

      if (doc?.body) {
        const body = doc.body;
        const content = 'content' in body ? body.content : Object.fromEntries((body.media ?? ['application/json']).map((m) => [m, body.schema]));
        op.requestBody = { required: body.required ?? true, content: Object.fromEntries(Object.entries(content).map(([m, schema]) => [m, { schema }])) };
      }
      const formRef: string | undefined = op.requestBody?.content?.['multipart/form-data']?.schema?.$ref;
      if (doc?.form && formRef) {
        const dto = formRef.replace('#/components/schemas/', '');
        const fields: Json = schemas[dto].properties ?? {};
        schemas[`${dto}Form`] = {
          ...schemas[dto],
          description: `The fields of \`${dto}\` as text parts (a value that is not a string as JSON; a list also as repeated \`name[]\` parts), and files`,
          properties: { ...fields, ...doc.form.properties },
        };
        const json = Object.keys(fields).filter((k) => fields[k].type !== 'string');
        op.requestBody.content['multipart/form-data'] = {
          schema: { $ref: `#/components/schemas/${dto}Form` },
          ...(json.length ? { encoding: Object.fromEntries(json.map((k) => [k, { contentType: 'application/json' }])) } : {}),
        };
      }

      // answers
      const responses: Json = {};
      if (doc) {
        const offline: DocAnswer[] =
          path.startsWith('/rest/') && WRITE_METHODS.includes(method) && access?.kind !== 'public' && !doc.also?.some((a) => a.status === 202)
            ? [{
                status: 202,
                description: 'Queued on an offline device (`X-Device-Id`): nothing is written until the device is back online, when the write is applied with its permission checks',
                schema: QueuedOffline,
                headers: { 'X-Queued-Offline': { description: '`true`' }, 'X-Synced-At': { description: "The device's last sync (ISO 8601)" } },
              }]
            : [];
        for (const [i, answer] of [doc.ok, ...(doc.also ?? []), ...offline].entries()) {
          const status = defaultStatus(method, answer, i === 0 ? httpCode : undefined);
          const list = i === 0 && doc.list !== undefined;
          const headers: Json = { ...REQUEST_ID_HEADER, ...(path.startsWith('/rest/') ? RATE_HEADERS : {}) };
          if (list) {
            headers.Total = header('How many items the caller may see, over all pages', { type: 'integer' });
            headers['Per-Page'] = header('The page size used', { type: 'integer' });
            headers.Link = header('RFC 8288 links with rel first, prev, next and last, as they apply');
          }
          // an array answer carries no ETag (only single items do: ItemHeadersInterceptor)
          if (!list && answer.schema && answer.schema.type !== 'array' && JSON.stringify(answer.schema).includes('"version"')) headers.ETag = header('`"<version>"` of the item');
          if (status === 201 && method === 'post') headers.Location = header('The URL of the created item');
          for (const [name, h] of Object.entries(answer.headers ?? {})) headers[name] = header(h.description, h.schema ?? { type: 'string' });
          const body = content(answer, list);
          responses[String(status)] = { description: answer.description, headers, ...(body ? { content: body } : {}) };
        }
      } else {
        Object.assign(responses, op.responses);
      }
      const codes = [...impliedErrors(path, method, access, takesBody), ...(doc?.errors ?? [])];
      for (const [status, answer] of Object.entries(errorResponses(codes, oauth))) {
        const before = responses[status];
        // a status answered as a page (HTML) and as a JSON error keeps both bodies
        responses[status] = before ? { ...before, description: `${before.description}; or ${answer.description}`, content: { ...before.content, ...answer.content } } : answer;
      }
      op.responses = responses;
      if (access?.kind === 'public') op.security = [];
      else op.security = [{ bearer: [] }];
    }
  }

  const named: Json = {};
  const document = hoistNamed(base, named) as Json;
  document.components = { ...document.components, schemas: used(document.paths, { ...schemas, ...named }) };
  addExamples(document);
  return { document: document as OpenAPIObject, problems };
}

/**
 * The component schemas the operations refer to, directly or through one
 * another: a request DTO whose operation documents its body with its own
 * schema is left out (it would be an unused component).
 */
function used(paths: Json, schemas: Json): Json {
  const out: Json = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!(name in out) && name in schemas) {
          out[name] = schemas[name];
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(paths);
  return Object.fromEntries(Object.keys(schemas).filter((n) => n in out).map((n) => [n, out[n]]));
}

/** An example for every JSON answer and request body, generated from its schema (so it is valid by construction). */
function addExamples(document: Json): void {
  const resolve = (ref: string): Json => document.components.schemas[ref.replace('#/components/schemas/', '')];
  for (const item of Object.values(document.paths as Json)) {
    for (const op of Object.values(item as Json) as Json[]) {
      for (const response of Object.values(op.responses ?? {}) as Json[]) {
        const media = response.content?.['application/json'];
        if (media?.schema && media.example === undefined) media.example = exampleOf(media.schema, resolve);
      }
    }
  }
}
