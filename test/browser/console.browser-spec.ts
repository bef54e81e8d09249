import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, BrowserSession } from '../support/browser';
import { TestApp } from '../support/test-app';

/** The training console in a real (headless) Chromium, served by the app over HTTP. */
describe('the training console in a browser', () => {
  let t: TestApp;
  let b: BrowserSession;
  let trainer: { context: BrowserContext; page: Page };
  let classId: number;

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

  it('lets a trainer create a class of 3, refusing 0 and 500 with a clear error, and print its logins', async () => {
    trainer = await b.person();
    const page = trainer.page;
    page.on('dialog', (d) => void d.accept());
    await b.step('trainer page', async () => {
      await page.goto('/console/trainer');
      await page.getByRole('heading', { level: 1, name: 'Trainer' }).waitFor();
      await expectAccessible(page);
    });
    await b.step('class of 0 and 500', async () => {
      await page.getByLabel('Class name').fill('Monday onboarding');
      for (const [n, message] of [['0', /at least 1/], ['500', /at most 30/]] as const) {
        await page.getByLabel('Number of trainees').fill(n);
        await page.getByRole('button', { name: 'Create the class' }).click();
        const alert = page.getByRole('alert');
        await alert.waitFor();
        expect(await alert.locator('ul.fields').textContent()).toMatch(message);
      }
      await expectAccessible(page);
      expect(Number((await t.db.query('SELECT count(*) FROM training_classes')).rows[0].count)).toBe(0);
    });
    await b.step('class of 3', async () => {
      await page.getByLabel('Number of trainees').fill('3');
      await page.getByRole('button', { name: 'Create the class' }).click();
      await page.getByRole('heading', { level: 1, name: 'Monday onboarding' }).waitFor({ timeout: 30000 });
      classId = Number(/classes\/(\d+)/.exec(page.url())![1]);
      expect(await page.locator('tbody tr[data-trainee]').count()).toBe(3);
      await expectAccessible(page);
      // the tokens stay in this tab's session storage
      const kept = await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string } }).sessionStorage.getItem('sitesim.console.trainer'));
      expect(JSON.parse(kept).classes[String(classId)].class_token).toMatch(/^cls_/);
    });
    await b.step('login sheet', async () => {
      await page.getByRole('link', { name: 'Print the login sheet' }).click();
      await page.getByRole('heading', { level: 1, name: 'Login sheet: Monday onboarding' }).waitFor();
      expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Trainee 1', 'Trainee 2', 'Trainee 3']);
      expect(await page.locator('section').first().textContent()).toContain('subcontractor');
      await expectAccessible(page);
    });
  }, 90000);
});
