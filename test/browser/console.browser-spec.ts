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
    await b.step("a trainee sandbox's controls", async () => {
      await page.getByText('Trainee 3: latency, faults, load and clock').click();
      const controls = page.locator('details.controls').nth(2);
      await controls.getByLabel('Profile', { exact: true }).selectOption('instant');
      await controls.getByRole('button', { name: 'Apply' }).click();
      await controls.getByText('Latency profile: instant.').waitFor();
      await controls.getByLabel('Advance by (hours)').fill('3');
      await controls.getByRole('button', { name: 'Advance' }).click();
      await controls.getByText('The clock moved 3 h on.').waitFor();
      await controls.getByText(/3 h ahead of real time/).waitFor();
      await controls.getByRole('button', { name: 'Add fault' }).click();
      await controls.getByRole('button', { name: /^Remove fault \d+$/ }).waitFor();
      const sandbox = (await t.client().get(`/_sim/classes/${classId}`)).body.trainees[2].sandbox_id;
      expect((await t.client().get(`/_sim/sandboxes/${sandbox}/settings`)).body.latency_profile).toBe('instant');
      expect((await t.client().get(`/_sim/sandboxes/${sandbox}/clock`)).body.offset_seconds).toBeGreaterThanOrEqual(3 * 3600 - 5);
      await expectAccessible(page);
    });
    await b.step('login sheet', async () => {
      await page.getByRole('link', { name: 'Print the login sheet' }).click();
      await page.getByRole('heading', { level: 1, name: 'Login sheet: Monday onboarding' }).waitFor();
      expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Trainee 1', 'Trainee 2', 'Trainee 3']);
      expect(await page.locator('section').first().textContent()).toContain('subcontractor');
      await expectAccessible(page);
    });
  }, 90000);

  /** Signs a trainee in through the console: the sign-in page, the training app's own form, back with a session. */
  async function signIn(page: Page, trainee: number, persona: string): Promise<void> {
    const sheet = (await t.client().get(`/_sim/classes/${classId}/logins`)).body;
    const login = sheet.trainees[trainee - 1];
    const p = login.personas.find((x: { key: string }) => x.key === persona);
    await page.goto(`/console/signin?client_id=${login.client_id}`);
    await page.getByRole('heading', { level: 1, name: 'Sign in as a persona' }).waitFor();
    await page.getByLabel('Persona email (optional)').fill(p.email);
    await page.getByRole('button', { name: 'Continue to the sign-in page' }).click();
    // the training app's own page (src/auth/login-page.ts)
    await page.waitForURL(/\/oauth\/authorize/);
    expect(await page.getByLabel('Email').inputValue()).toBe(p.email);
    await page.getByLabel('Password').fill(p.password);
    await page.getByRole('button', { name: 'Sign in and allow' }).click();
    await page.getByRole('heading', { level: 1, name: `See it as ${p.name}` }).waitFor();
    expect(page.url()).not.toContain('code=');
  }

  let traineePage: Page;
  let firstProject: number;

  it("signs a trainee in as the subcontractor, who is refused the budget and sees why", async () => {
    const { page } = await b.person();
    traineePage = page;
    await b.step('sign in as the subcontractor', async () => {
      await signIn(page, 1, 'subcontractor');
      await expectAccessible(page);
      // the trainer sees the session
      const cls = (await t.client().get(`/_sim/classes/${classId}`)).body;
      expect(cls.trainees[0].signed_in.map((x: { persona: string }) => x.persona)).toEqual(['subcontractor']);
      // no sandbox or class token in the trainee's tab
      const stored = await page.evaluate(() => JSON.stringify((globalThis as unknown as { sessionStorage: Record<string, string> }).sessionStorage));
      expect(stored).not.toMatch(/sbx_|cls_/);
    });
    await b.step('tools with the reason', async () => {
      await page.getByRole('link', { name: /Riverside/ }).first().click();
      await page.getByRole('heading', { level: 2, name: 'Tools you can open' }).waitFor();
      firstProject = Number(/projects\/(\d+)/.exec(page.url())![1]);
      const budgetRow = page.locator('tr[data-tool="budget"]');
      expect(await budgetRow.locator('.tag').textContent()).toBe('refused');
      expect(await page.locator('tr[data-tool="rfis"] .tag').textContent()).toBe('open');
      // by keyboard: the button takes focus and opens the panel with Enter
      const why = budgetRow.getByRole('button', { name: 'Why not Budget?' });
      await why.focus();
      await page.keyboard.press('Enter');
      expect(await why.getAttribute('aria-expanded')).toBe('true');
      const panel = page.getByRole('region', { name: 'Why: budget.view' });
      await panel.getByText('Refused by').waitFor();
      expect(await panel.locator('dl').textContent()).toContain('Permission level');
      expect(await panel.locator('dl').textContent()).toMatch(/You have\s*none/);
      expect(await panel.locator('dl').textContent()).toMatch(/Needed\s*read_only/);
      expect(await panel.textContent()).toContain('What an administrator could change');
      await expectAccessible(page);
    });
    await b.step('the budget refused, with Why?', async () => {
      await page.getByRole('link', { name: 'Budget', exact: true }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('permission_denied');
      await page.getByRole('button', { name: 'Why?' }).click();
      await page.getByRole('region', { name: 'Why: budget.view' }).getByText('Refused by').waitFor();
      await expectAccessible(page);
    });
    await b.step('lists as the API answers them', async () => {
      await page.getByRole('link', { name: 'RFIs', exact: true }).click();
      await page.locator('table caption', { hasText: 'RFIs as the API answers them to you' }).waitFor();
      const sub = (await t.client().get(`/_sim/classes/${classId}/logins`)).body.trainees[0].personas.find((x: { key: string }) => x.key === 'subcontractor');
      const api = await t.client().post('/oauth/token', { grant_type: 'password', username: sub.email, password: sub.password });
      const company = (await t.client().get(`/_sim/classes/${classId}`)).body.trainees[0].company_id;
      const rfis = await t.client().get(`/rest/v1.0/projects/${firstProject}/rfis?per_page=100`, { token: api.body.access_token, company });
      expect(await page.locator('table tbody tr').count()).toBe(rfis.body.length);
      await expectAccessible(page);
    });
    await b.step("an item's timeline", async () => {
      await page.getByRole('link', { name: /^RFIs #\d+: timeline$/ }).first().click();
      await page.getByRole('heading', { level: 1, name: /^Timeline of RFIs #\d+$/ }).waitFor();
      await page.getByRole('status').filter({ hasText: /\d+ entr(y|ies);/ }).waitFor();
      await expectAccessible(page);
    });
    await b.step('back from the timeline', async () => {
      await page.getByRole('link', { name: 'Back to the project' }).click();
      await page.getByRole('heading', { level: 2, name: 'Tools you can open' }).waitFor();
    });
  }, 90000);

  it("shows another trainee's sandbox as a 403 page, and sends an expired session back to sign-in", async () => {
    const page = traineePage;
    const other = (await t.client().get(`/_sim/classes/${classId}`)).body.trainees[1];
    await b.step("another trainee's sandbox", async () => {
      await page.goto(`/console/see/companies/${other.company_id}/projects/${other.projects[0].id}`);
      await page.getByRole('heading', { level: 1, name: 'Not your sandbox' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('403 not_in_company');
      await expectAccessible(page);
    });
    await b.step('expired session', async () => {
      const mine = (await t.client().get(`/_sim/classes/${classId}`)).body.trainees[0];
      await t.client().post(`/_sim/sandboxes/${mine.sandbox_id}/clock/actions/advance`, { seconds: 2 * 3600 });
      await page.goto(`/console/see/companies/${mine.company_id}/projects/${firstProject}/rfis`);
      await page.getByRole('heading', { level: 1, name: 'Sign in as a persona' }).waitFor();
      expect(await page.getByRole('status').textContent()).toContain('Your session expired');
      expect(page.url()).toContain(`client_id=${mine.client_id}`);
      await expectAccessible(page);
    });
  }, 60000);

  it('lets the trainee run scenario 1 and fix it', async () => {
    const page = traineePage;
    await b.step('sign in again', async () => {
      await signIn(page, 1, 'subcontractor');
    });
    await b.step('drills', async () => {
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Drills' }).click();
      await page.getByRole('heading', { level: 1, name: 'Drills' }).waitFor();
      await page.locator('table caption', { hasText: 'The scenario catalogue' }).waitFor();
      await expectAccessible(page);
    });
    await b.step('run scenario 1', async () => {
      await page.getByRole('button', { name: /^Run scenario 1:/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Drill: scenario 1' }).waitFor({ timeout: 60000 });
      expect(await page.locator('p.error').first().textContent()).toContain('The symptom shows');
      expect(await page.getByRole('region', { name: 'What diagnose finds' }).textContent()).toContain('change_order_not_approved');
      await expectAccessible(page);
    });
    await b.step('apply the fix', async () => {
      await page.getByRole('button', { name: 'Apply the fix' }).click();
      await page.getByRole('heading', { level: 2, name: 'After the fix' }).waitFor({ timeout: 60000 });
      expect(await page.getByRole('region', { name: 'After the fix' }).textContent()).toContain('The symptom is gone');
      await expectAccessible(page);
    });
  }, 150000);

  it("lets the trainer arm a challenge that the trainee answers, and scores it on the trainer's page", async () => {
    const page = trainer.page;
    await b.step('arm a challenge', async () => {
      await page.goto(`/console/trainer/classes/${classId}`);
      await page.getByRole('heading', { level: 2, name: 'Challenges' }).waitFor();
      await page.getByLabel('Trainee', { exact: true }).selectOption({ label: 'Trainee 1' });
      await page.getByLabel('Hidden cause (scenario)').selectOption('budget_change_order_pending');
      await page.getByRole('button', { name: 'Arm the challenge' }).click();
      await page.locator('p.ok', { hasText: 'armed for trainee 1' }).waitFor({ timeout: 60000 });
      await expectAccessible(page);
    });
    const trainee = traineePage;
    await b.step('the trainee sees the symptom only', async () => {
      await trainee.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Challenge' }).click();
      await trainee.getByRole('heading', { level: 1, name: /^Challenge #\d+$/ }).waitFor();
      const text = await trainee.locator('main').textContent();
      expect(text).toContain('gc_project_manager');
      expect(text).not.toContain('budget_change_order_pending');
      await expectAccessible(trainee);
    });
    await b.step('a wrong answer, then the right one', async () => {
      await trainee.getByLabel('Cause').selectOption('budget_locked');
      await trainee.getByRole('button', { name: 'Submit the cause' }).click();
      await trainee.getByRole('status').filter({ hasText: 'is not the cause' }).waitFor();
      expect(await trainee.getByRole('status').filter({ hasText: 'is not the cause' }).textContent()).toContain('2 answers left');
      await trainee.getByLabel('Cause').selectOption('change_order_not_approved');
      await trainee.getByRole('button', { name: 'Submit the cause' }).click();
      await trainee.getByRole('status').filter({ hasText: 'Solved' }).waitFor();
      expect(await trainee.getByRole('status').filter({ hasText: 'Solved' }).textContent()).toContain('Score 75 of 100');
      await trainee.getByRole('heading', { level: 2, name: 'The evidence' }).waitFor();
      await expectAccessible(trainee);
    });
    await b.step("the trainer's results", async () => {
      await page.getByRole('button', { name: 'Refresh the results' }).click();
      const row = page.locator('tr[data-results-trainee="1"]');
      await row.getByText('solved').waitFor();
      expect(await row.locator('td').nth(2).textContent()).toBe('75');
      await expectAccessible(page);
    });
  }, 150000);
});
