import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestApp } from './test-app';

/** The system Chromium (Debian's package, installed by scripts/ci-prereqs.sh), or SITESIM_CHROMIUM. */
export function chromiumPath(): string {
  const found = [process.env.SITESIM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
  if (!found) throw new Error('No Chromium found: run scripts/ci-prereqs.sh (as root it installs the Debian package chromium), or set SITESIM_CHROMIUM.');
  return found;
}

export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-results', 'console');

/**
 * A real browser on a listening app: the console is loaded over HTTP like a
 * person would, headless. Pages of a failed step are saved as screenshots
 * (test-results/console/<step>-<n>.png).
 */
export class BrowserSession {
  private constructor(
    readonly browser: Browser,
    readonly base: string,
  ) {}

  static async start(t: TestApp): Promise<BrowserSession> {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    return new BrowserSession(browser, `http://127.0.0.1:${port}`);
  }

  /** A fresh browser profile (its own session storage): one per person in the test. */
  async person(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ baseURL: this.base, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    return { context, page };
  }

  /** Runs a step; when it fails, every open page is saved as a screenshot before the error goes on. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      // SITESIM_SCREENSHOTS=1 keeps every step's pages too, to look at them.
      if (process.env.SITESIM_SCREENSHOTS) await this.screenshots(name, 'ok');
      return result;
    } catch (err) {
      await this.screenshots(name, 'failed');
      throw err;
    }
  }

  private async screenshots(name: string, outcome: 'ok' | 'failed'): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    let n = 0;
    for (const context of this.browser.contexts()) {
      for (const page of context.pages()) {
        const file = join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}-${++n}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        if (outcome === 'failed') process.stderr.write(`[browser] step "${name}" failed; screenshot ${file} (${page.url()})\n`);
      }
    }
  }

  async stop(): Promise<void> {
    await this.browser.close();
  }
}

let axeSource: string | null = null;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/** axe-core's violations of the page as it is now (serious and critical ones, unless `all`). */
export async function axeViolations(page: Page, options: { all?: boolean } = {}): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // evaluate runs outside the page's CSP, which rightly refuses inline scripts
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const g = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> } };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations;
  })) as (AxeViolation & { nodes: { target: string[]; html: string }[] })[];
  return violations
    .filter((v) => options.all || v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200) })) }));
}
