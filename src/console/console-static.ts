import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toErrorResponse } from '../common/errors/to-error-response';
import { AppError } from '../common/errors';

export const CONSOLE_PATH = '/console';

/**
 * The page's own rules: scripts, styles and requests of this origin only, no
 * framing, no referrer leaking a code or a token in a URL.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** The package's root: the nearest folder above this file with the project's package.json (from src/ or dist/src/). */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sitesim') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no sitesim package.json above ${from}`);
    dir = up;
  }
}

/** Where `npm run build` puts the console's files (scripts/build-console.js). */
export function consoleDir(): string {
  return join(packageRoot(), 'dist', 'console');
}

/**
 * Serves the training console at /console: its built files as they are, and
 * index.html for any other path under it (the page routes itself, the OAuth
 * callback included). Before the console is built, /console answers 404 saying so.
 */
export async function installConsole(fastify: FastifyInstance, root: string = consoleDir()): Promise<void> {
  const built = existsSync(join(root, 'index.html'));
  await fastify.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
      return payload;
    });
    if (!built) {
      const notBuilt = async (request: { id: string }, reply: FastifyReply) => {
        const answer = toErrorResponse(new AppError('not_found', 'The console is not built: run `npm run build` (or `npm run build:console`).'), String(request.id));
        return reply.status(answer.status).send(answer.body);
      };
      scope.get(CONSOLE_PATH, notBuilt);
      scope.get(`${CONSOLE_PATH}/*`, notBuilt);
      return;
    }
    // wildcard: false registers a route per built file, so the page's own paths fall through to index.html below.
    await scope.register(fastifyStatic, { root, prefix: `${CONSOLE_PATH}/`, wildcard: false, decorateReply: false, index: false, cacheControl: false,
      setHeaders: (res, path) => res.header('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache') });
    const index = readFileSync(join(root, 'index.html'));
    const page = async (request: { url: string; id: string }, reply: FastifyReply) => {
      const path = request.url.split('?')[0];
      // A missing asset is a 404, not the page.
      if (/\.[A-Za-z0-9]{1,8}$/.test(path)) {
        const answer = toErrorResponse(AppError.notFound('Console file'), String(request.id));
        return reply.status(answer.status).send(answer.body);
      }
      return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(index);
    };
    scope.get(CONSOLE_PATH, page);
    scope.get(`${CONSOLE_PATH}/*`, page);
  });
}
