import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fastifyMultipart from '@fastify/multipart';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { buildDocument } from './common/openapi/build-document';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import * as qs from 'qs';
import sjson from 'secure-json-parse';
import { AppModule } from './app.module';
import { MAX_IMPORT_BYTES } from './budget/budget-csv';
import { DeviceNetwork } from './devices/device-network.service';
import { DeviceWrites } from './devices/device-writes.service';
import { DevicesService } from './devices/devices.service';
import { AppError } from './common/errors';
import { AppConfig } from './config/app-config';
import { Metrics } from './observability/metrics';
import { ItemPolicyRegistry } from './permissions/item-policy';
import { assertRoutesGuarded } from './permissions/route-inventory';
import { OutboxRelay } from './queues/outbox-relay';
import { installQueueBoard } from './queues/queue-board';
import { installConsole } from './console/console-static';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SEGMENT_PATH = /\/uploads\/segmented\/[^/?]+\/segments\/[^/?]+\/?(\?|$)/;

function parseQuery(query: string): Record<string, unknown> {
  return qs.parse(query, { arrayLimit: 1000, parameterLimit: 2000, depth: 3, allowPrototypes: false }) as Record<string, unknown>;
}

/** Builds the HTTP application (not listening): Fastify, parsers, hooks, docs. */
export async function createApp(config: AppConfig, options: { logger?: LogLevel[] | false } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500, querystringParser: parseQuery },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: options.logger ?? ['log', 'warn', 'error'],
    bufferLogs: false,
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  installParsers(fastify);
  // Multipart bodies are streamed by the upload pipeline, which sets every limit per request (file size from the
  // sandbox's settings); defaults here would be deep-merged under them and bite where a request leaves one out.
  await app.register(fastifyMultipart as never);
  installHooks(fastify, app.get(Metrics));
  installDeviceHooks(fastify, app);
  installDocs(app);
  await installQueueBoard(app, fastify);
  await installConsole(fastify);
  await app.init();
  const policies = app.get(ItemPolicyRegistry);
  assertRoutesGuarded(app, (action) => policies.has(action));
  // Committed jobs move from the outbox to BullMQ from every process that writes them.
  await app.get(OutboxRelay).start();
  return app;
}

/**
 * Stops taking requests and lets those in flight finish, closing each
 * keep-alive connection as soon as it is idle (a client or proxy holding one
 * open would otherwise keep the server up until it times out): a process
 * stopped under load answers every request it took before it closes its
 * database and Redis connections (`app.close()` afterwards).
 */
export async function drainHttp(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const idle = setInterval(() => fastify.server.closeIdleConnections(), 100);
  try {
    await fastify.close();
  } finally {
    clearInterval(idle);
  }
}

/**
 * A request with `X-Device-Id` comes from a device, resolved once before any
 * route runs: an offline device keeps its writes (their permissions are
 * checked when applied), and its simulated network shapes every answer it
 * gets (latency, bandwidth, timeout), whatever route or hook made the answer.
 */
function installDeviceHooks(fastify: FastifyInstance, app: NestFastifyApplication): void {
  const devices = app.get(DevicesService);
  const writes = app.get(DeviceWrites);
  const network = app.get(DeviceNetwork);
  fastify.addHook('preHandler', async (request, reply) => {
    if (!(await devices.resolve(request))) return undefined;
    if (await writes.captureOffline(request, reply)) return reply;
    return undefined;
  });
  fastify.addHook('onSend', (request, reply, payload) => network.shape(request, reply, payload));
}

/** Clients send `Content-Type: application/json` on bodiless requests too; that must work. */
function installParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch {
      done(new AppError('invalid_request', 'The request body is not valid JSON.'), undefined);
    }
  });
  // A budget import's CSV file arrives as its bytes (up to the import's own limit); no other route takes CSV.
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (req, body, done) => {
    if (!/\/budget\/imports\/?(\?|$)/.test(req.url)) {
      done(new AppError('invalid_request', 'The request Content-Type is not supported here; send application/json.'), undefined);
      return;
    }
    req.bodyFingerprint = createHash('sha256').update(body as Buffer).digest('hex');
    done(null, body);
  });
  // A segment of a segmented upload arrives as its bytes, streamed to disk by its route (the route sets its size); no other route takes them.
  fastify.addContentTypeParser('application/octet-stream', (req, payload, done) => {
    if (!SEGMENT_PATH.test(req.url)) {
      done(new AppError('invalid_request', 'The request Content-Type is not supported here; send application/json.'), undefined);
      return;
    }
    done(null, payload);
  });
  // Form bodies are for the OAuth endpoints (RFC 6749); the platform API speaks JSON only.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    if (!req.url.startsWith('/oauth/')) {
      done(new AppError('invalid_request', 'The request Content-Type is not supported here; send application/json.'), undefined);
      return;
    }
    done(null, parseQuery(String(body)));
  });
}

function installHooks(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    request.startedAt = process.hrtime.bigint();
    void reply.header('X-Request-Id', String(request.id));
    done();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    if (request.startedAt !== undefined) {
      const seconds = Number(process.hrtime.bigint() - request.startedAt) / 1e9;
      metrics.requestDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        seconds,
      );
    }
    done();
  });
}

function installDocs(app: NestFastifyApplication): void {
  const { document, problems } = buildDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
  const logger = new Logger('Docs');
  logger.debug(`documented ${Object.keys(document.paths).length} paths`);
  if (problems.undocumented.length) logger.warn(`${problems.undocumented.length} operations have no contract (@Doc): ${problems.undocumented.slice(0, 5).join('; ')}…`);
}
