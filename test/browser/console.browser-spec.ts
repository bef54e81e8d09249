import type { Page } from 'playwright-core';
import { axeViolations, BrowserSession } from '../support/browser';
import { TestApp } from '../support/test-app';

/** The training console in a real (headless) Chromium, served by the app over HTTP. */
describe('the training console in a browser', () => {
  let t: TestApp;
  let b: BrowserSession;

  beforeAll(async () => {
    t = await TestApp.start();
    b = await BrowserSession.start(t);
  }, 60000);
  afterAll(async () => {
    await b?.stop();
    await t?.stop();
  });

  const focused = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent);

  async function expectAccessible(page: Page): Promise<void> {
    expect(await axeViolations(page)).toEqual([]);
  }

  it('serves the console at /console with its own security headers, and passes axe', async () => {
    const { page, context } = await b.person();
    await b.step('home', async () => {
      const res = await page.goto('/console/');
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.getByRole('heading', { level: 1, name: 'Training console' }).waitFor();
      await expectAccessible(page);
      // keyboard: the first Tab reaches the skip link, which moves focus to the content
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('main');
    });
    await b.step('unknown page', async () => {
      const res = await page.goto('/console/no/such/page');
      expect(res?.status()).toBe(200);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      const asset = await page.request.get('/console/assets/missing.js');
      expect(asset.status()).toBe(404);
    });
    await context.close();
  });
});
