import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installConsole, packageRoot } from './console-static';

describe('serving the console', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'console-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function app(dir: string) {
    const f = Fastify();
    await installConsole(f, dir);
    await f.ready();
    return f;
  }

  it.each(['/console', '/console/', '/console/trainer/classes/3', '/console/callback?code=x&state=y'])('answers the page for %s, with its security headers', async (url) => {
    const f = await app(root);
    const res = await f.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>console</title>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    await f.close();
  });

  it('serves built files as they are, cached for good, and a missing one as 404', async () => {
    const f = await app(root);
    const js = await f.inject({ method: 'GET', url: '/console/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.body).toBe('console.log(1)');
    expect(js.headers['cache-control']).toContain('immutable');
    const missing = await f.inject({ method: 'GET', url: '/console/assets/index-zzz.js' });
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('not_found');
    await f.close();
  });

  it('says how to build it when it is not built', async () => {
    const f = await app(join(root, 'nothing-here'));
    const res = await f.inject({ method: 'GET', url: '/console/trainer' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).error.message).toMatch(/npm run build/);
    await f.close();
  });

  it('finds the package root from the source and from the build', () => {
    expect(packageRoot(__dirname)).toBe(join(__dirname, '..', '..'));
    expect(packageRoot(join(__dirname, '..', '..', 'dist', 'src', 'console'))).toBe(join(__dirname, '..', '..'));
  });
});
