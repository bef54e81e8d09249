import { createHash } from 'node:crypto';
import * as sdk from '@procore/js-sdk';
import { Answer, ApiClient } from '../support/api-client';
import { PersonaKey, SandboxInfo, TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';
import { expectError } from '../support/assertions';

/**
 * Authentication end to end (API.md "Authentication" and "Errors"): every grant,
 * lockout, token info, rotation, revocation, expiry, deactivation, the browser
 * flows, and the client compatibility rules, against the real app, PostgreSQL and Redis.
 */

type App = SandboxInfo['apps'][number];
type Fields = Record<string, string>;

const FORM = 'application/x-www-form-urlencoded';
const TRAINING_CALLBACK = 'http://localhost:8765/callback';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** OAuth endpoint errors: RFC 6749 `error` / `error_description`, flat beside the usual fields. */
function expectOAuthError(res: Answer, status: number, code: string, oauthError: string): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: {
      error: oauthError,
      error_description: expect.any(String),
      status,
      code,
      message: expect.any(String),
      details: expect.any(Object),
      request_id: expect.any(String),
    },
  });
  expect(res.body.error_description).toBe(res.body.message);
  expect(res.body.request_id).toBe(res.headers['x-request-id']);
}

function expectTokenAnswer(res: Answer): void {
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    access_token: expect.any(String),
    token_type: 'Bearer',
    expires_in: 5400,
    refresh_token: expect.any(String),
    created_at: expect.any(Number),
  });
  expect(res.body.access_token).not.toBe(res.body.refresh_token);
  expect(Number.isInteger(res.body.created_at)).toBe(true);
  // RFC 6749 §5.1: an answer carrying tokens is never cached
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
}

function postForm(api: ApiClient, url: string, fields: Fields, contentType = FORM): Promise<Answer> {
  return api.request('POST', url, { raw: new URLSearchParams(fields).toString(), headers: { 'content-type': contentType } });
}

/** Submits the sign-in form of /oauth/authorize for the training app's callback. */
function signInForm(api: ApiClient, clientId: string, persona: { email: string; password: string }, responseType: 'code' | 'token', state: string, overrides: Fields = {}): Promise<Answer> {
  return postForm(api, '/oauth/authorize', {
    response_type: responseType,
    client_id: clientId,
    redirect_uri: TRAINING_CALLBACK,
    state,
    email: persona.email,
    password: persona.password,
    ...overrides,
  });
}

function tokenRequest(api: ApiClient, body: Fields): Promise<Answer> {
  return api.post('/oauth/token', body);
}

function login(api: ApiClient, email: string, password: string): Promise<Answer> {
  return tokenRequest(api, { grant_type: 'password', username: email, password });
}

/** Signs a persona in afresh (not through the sandbox's token cache). */
async function freshLogin(sb: TrainingSandbox, key: PersonaKey): Promise<{ access_token: string; refresh_token: string; created_at: number }> {
  const p = sb.persona(key);
  const res = await login(sb.api, p.email, p.password);
  expectTokenAnswer(res);
  return res.body;
}

function app(sb: TrainingSandbox, key: 'training' | 'service_account'): App {
  const found = sb.info.apps.find((a) => a.key === key);
  if (!found) throw new Error(`sandbox has no ${key} app`);
  return found;
}

function me(api: ApiClient, token: string): Promise<Answer> {
  return api.get('/rest/v1.0/me', { token });
}

/** The query and fragment parameters of a redirect. */
function redirectParams(location: string): { base: string; query: URLSearchParams; fragment: URLSearchParams } {
  const url = new URL(location);
  const query = new URLSearchParams(url.search);
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ''));
  url.search = '';
  url.hash = '';
  return { base: url.toString(), query, fragment };
}

describe('authentication', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let other: TrainingSandbox;

  async function userRow(id: number): Promise<{ locked_until: Date | null; version: number; failures: number; lock_ms_left: number | null }> {
    const { rows } = await t.db.query(
      `SELECT u.locked_until, u.version,
              (SELECT count(*)::int FROM login_failures f WHERE f.user_id = u.id) AS failures,
              (extract(epoch FROM (u.locked_until - now())) * 1000)::float8 AS lock_ms_left
         FROM users u WHERE u.id = $1`,
      [id],
    );
    return rows[0];
  }

  beforeAll(async () => {
    t = await TestApp.start();
    // a socket too, for the official SDK that speaks real HTTP
    await t.app.listen(0, '127.0.0.1');
    api = t.client();
    sb = await TrainingSandbox.create(api, 'auth');
    other = await TrainingSandbox.create(api, 'auth-other');
    await sb.relaxLimits();
    await other.relaxLimits();
  });
  afterAll(() => t.stop());

  describe('password grant', () => {
    it('answers a Bearer token pair with expiry and creation time for a JSON body', async () => {
      const p = sb.persona('gc_project_manager');
      const res = await login(api, p.email, p.password);
      expectTokenAnswer(res);
      const who = await me(api, res.body.access_token);
      expect(who.status).toBe(200);
      expect(who.body.id).toBe(p.user_id);
    });

    it('accepts an application/x-www-form-urlencoded body', async () => {
      const p = sb.persona('superintendent');
      const res = await postForm(api, '/oauth/token', { grant_type: 'password', username: p.email, password: p.password });
      expectTokenAnswer(res);
      expect((await me(api, res.body.access_token)).body.id).toBe(p.user_id);
    });

    it('accepts content types with a charset parameter', async () => {
      const p = sb.persona('superintendent');
      const form = await postForm(
        api,
        '/oauth/token',
        { grant_type: 'password', username: p.email, password: p.password },
        `${FORM}; charset=UTF-8`,
      );
      expectTokenAnswer(form);
      const json = await api.post(
        '/oauth/token',
        { grant_type: 'password', username: p.email, password: p.password },
        { headers: { 'content-type': 'application/json; charset=utf-8' } },
      );
      expectTokenAnswer(json);
    });

    it('matches the email case-insensitively', async () => {
      const p = sb.persona('architect');
      const res = await login(api, p.email.toUpperCase(), p.password);
      expectTokenAnswer(res);
      expect((await me(api, res.body.access_token)).body.id).toBe(p.user_id);
    });

    it('issues a different token pair on every sign-in', async () => {
      const a = await freshLogin(sb, 'architect');
      const b = await freshLogin(sb, 'architect');
      expect(a.access_token).not.toBe(b.access_token);
      expect(a.refresh_token).not.toBe(b.refresh_token);
      expect((await me(api, a.access_token)).status).toBe(200);
      expect((await me(api, b.access_token)).status).toBe(200);
    });

    it('stores tokens hashed, never in clear', async () => {
      const tokens = await freshLogin(sb, 'architect');
      const clear = await t.db.query('SELECT count(*)::int AS n FROM oauth_tokens WHERE access_hash = $1 OR refresh_hash = $2', [
        tokens.access_token,
        tokens.refresh_token,
      ]);
      expect(clear.rows[0].n).toBe(0);
      const hashed = await t.db.query('SELECT count(*)::int AS n FROM oauth_tokens WHERE access_hash = $1 AND refresh_hash = $2', [
        sha256(tokens.access_token),
        sha256(tokens.refresh_token),
      ]);
      expect(hashed.rows[0].n).toBe(1);
    });

    it('refuses a wrong password with 401 invalid_credentials and the OAuth fields invalid_grant', async () => {
      const p = sb.persona('owner_rep');
      const res = await login(api, p.email, `${p.password}x`);
      expectOAuthError(res, 401, 'invalid_credentials', 'invalid_grant');
      expect(res.body.access_token).toBeUndefined();
      expect(res.text).not.toContain(p.password);
    });

    it('answers an unknown email exactly as a wrong password', async () => {
      const p = sb.persona('owner_rep');
      const wrong = await login(api, p.email, 'not-the-password');
      const unknown = await login(api, `nobody.${Date.now()}@nowhere.sitesim.test`, 'not-the-password');
      const strip = (r: Answer) => ({ status: r.status, body: { ...r.body, request_id: undefined } });
      expectOAuthError(unknown, 401, 'invalid_credentials', 'invalid_grant');
      expect(strip(unknown)).toEqual(strip(wrong));
      // the one failure of owner_rep is cleared by a successful sign-in
      await freshLogin(sb, 'owner_rep');
    });

    it('refuses a missing password with 400 invalid_request', async () => {
      const res = await tokenRequest(api, { grant_type: 'password', username: sb.persona('owner_rep').email });
      expectOAuthError(res, 400, 'invalid_request', 'invalid_request');
    });

    it("binds the token to an app when the app's client credentials come with it", async () => {
      const training = app(sb, 'training');
      const p = sb.persona('gc_project_manager');
      const res = await tokenRequest(api, {
        grant_type: 'password',
        username: p.email,
        password: p.password,
        client_id: training.client_id,
        client_secret: training.client_secret,
      });
      expectTokenAnswer(res);
      const info = await api.get('/oauth/token/info', { token: res.body.access_token });
      expect(info.body).toMatchObject({ resource_owner_id: p.user_id, application: { uid: training.client_id } });
    });

    it('refuses a wrong client_secret with 401 invalid_client before checking the password', async () => {
      const training = app(sb, 'training');
      const p = sb.persona('gc_project_manager');
      const res = await tokenRequest(api, {
        grant_type: 'password',
        username: p.email,
        password: p.password,
        client_id: training.client_id,
        client_secret: 'not-the-secret',
      });
      expectOAuthError(res, 401, 'invalid_credentials', 'invalid_client');
      const wrongPassword = await tokenRequest(api, {
        grant_type: 'password',
        username: p.email,
        password: 'wrong-password',
        client_id: training.client_id,
        client_secret: 'not-the-secret',
      });
      expectOAuthError(wrongPassword, 401, 'invalid_credentials', 'invalid_client');
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM login_failures WHERE user_id = $1', [p.user_id]);
      expect(rows[0].n).toBe(0);
    });

    it('refuses an unknown client_id with 401 invalid_client', async () => {
      const p = sb.persona('gc_project_manager');
      const res = await tokenRequest(api, { grant_type: 'password', username: p.email, password: p.password, client_id: 'no-such-client' });
      expectOAuthError(res, 401, 'invalid_credentials', 'invalid_client');
    });

    it('does not sign in a service account user with a password grant', async () => {
      const { rows } = await t.db.query('SELECT email FROM users WHERE id = $1', [app(sb, 'service_account').user_id]);
      const res = await login(api, rows[0].email, 'anything-at-all');
      expectOAuthError(res, 401, 'invalid_credentials', 'invalid_grant');
    });
  });

  describe('token endpoint request errors', () => {
    it('refuses an unknown grant_type with 400 unsupported_grant_type and the field named', async () => {
      const res = await tokenRequest(api, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' });
      expectOAuthError(res, 400, 'invalid_request', 'unsupported_grant_type');
      expect(res.body.details.fields).toEqual([expect.objectContaining({ field: 'grant_type' })]);
      expectOAuthError(await tokenRequest(api, {}), 400, 'invalid_request', 'unsupported_grant_type');
    });

    it('refuses unknown body fields with 422 validation_failed, carrying the OAuth fields', async () => {
      const p = sb.persona('gc_project_manager');
      const res = await tokenRequest(api, { grant_type: 'password', username: p.email, password: p.password, favourite_colour: 'red' });
      expectOAuthError(res, 422, 'validation_failed', 'invalid_request');
      expect(res.body.details.fields).toEqual([{ field: 'favourite_colour', message: 'is not a known field' }]);
    });

    it('refuses bracket-nested form values with 422 validation_failed, not a 5xx', async () => {
      const res = await api.request('POST', '/oauth/token', {
        raw: 'grant_type=password&username[a]=x&password=y',
        headers: { 'content-type': FORM },
      });
      expectOAuthError(res, 422, 'validation_failed', 'invalid_request');
    });

    it('refuses malformed JSON with 400 invalid_request, with the standard code', async () => {
      const res = await api.request('POST', '/oauth/token', { raw: '{"grant_type": "password",', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.code ?? res.body.error?.code).toBe('invalid_request');
    });

    it('refuses malformed JSON with 400 invalid_request, carrying the OAuth fields', async () => {
      const res = await api.request('POST', '/oauth/token', { raw: '{"grant_type": "password",', headers: { 'content-type': 'application/json' } });
      expectOAuthError(res, 400, 'invalid_request', 'invalid_request');
    });

    it('refuses an unsupported content type with 400 invalid_request, carrying the OAuth fields', async () => {
      const res = await api.request('POST', '/oauth/token', { raw: 'grant_type=password', headers: { 'content-type': 'text/plain' } });
      expectOAuthError(res, 400, 'invalid_request', 'invalid_request');
    });

    it('refuses a revocation without token with the OAuth fields', async () => {
      const res = await api.post('/oauth/revoke', {});
      expectOAuthError(res, 422, 'validation_failed', 'invalid_request');
    });
  });

  describe('lockout', () => {
    let L: TrainingSandbox;
    let admin: ApiClient;

    beforeAll(async () => {
      L = await TrainingSandbox.create(api, 'auth-lockout');
      await L.relaxLimits();
      admin = await L.as('company_admin');
    });

    const unlock = (client: ApiClient, userId: number): Promise<Answer> =>
      client.post(`/rest/v1.0/companies/${L.companyId}/users/${userId}/actions/unlock`);

    it('locks after five failures: four 401 invalid_credentials, then 423 account_locked with details.locked_until', async () => {
      const p = L.persona('architect');
      for (let i = 1; i <= 4; i++) {
        expectOAuthError(await login(api, p.email, `wrong-${i}`), 401, 'invalid_credentials', 'invalid_grant');
        expect((await userRow(p.user_id)).failures).toBe(i);
      }
      const fifth = await login(api, p.email, 'wrong-5');
      expectOAuthError(fifth, 423, 'account_locked', 'invalid_grant');
      const row = await userRow(p.user_id);
      expect(row.locked_until).not.toBeNull();
      expect(fifth.body.details.locked_until).toBe(row.locked_until!.toISOString());
      // locked for fifteen minutes from now
      expect(row.lock_ms_left).toBeGreaterThan(14 * 60_000);
      expect(row.lock_ms_left).toBeLessThanOrEqual(15 * 60_000);
    });

    it('answers 423 for the right password while locked, and counts no more failures', async () => {
      const p = L.persona('architect');
      const right = await login(api, p.email, p.password);
      expectOAuthError(right, 423, 'account_locked', 'invalid_grant');
      const wrong = await login(api, p.email, 'wrong-6');
      expectOAuthError(wrong, 423, 'account_locked', 'invalid_grant');
      const row = await userRow(p.user_id);
      expect(right.body.details.locked_until).toBe(row.locked_until!.toISOString());
      expect(wrong.body.details.locked_until).toBe(row.locked_until!.toISOString());
      expect(row.failures).toBe(0);
    });

    it('shows the lock in the company directory', async () => {
      const p = L.persona('architect');
      const res = await admin.get(`/rest/v1.0/companies/${L.companyId}/users/${p.user_id}`);
      expect(res.status).toBe(200);
      expect(res.body.locked).toBe(true);
      expect(res.body.locked_until).toBe((await userRow(p.user_id)).locked_until!.toISOString());
    });

    it('does not let a non-admin unlock a user', async () => {
      const p = L.persona('architect');
      const pm = await L.as('gc_project_manager');
      const res = await unlock(pm, p.user_id);
      expectError(res, 403, 'permission_denied');
      expectOAuthError(await login(api, p.email, p.password), 423, 'account_locked', 'invalid_grant');
    });

    it("does not let another company's admin unlock the user", async () => {
      const p = L.persona('architect');
      const stranger = await other.as('company_admin');
      const ownPath = await stranger.post(`/rest/v1.0/companies/${other.companyId}/users/${p.user_id}/actions/unlock`);
      expectError(ownPath, 404, 'not_found');
      const theirPath = await stranger.post(`/rest/v1.0/companies/${L.companyId}/users/${p.user_id}/actions/unlock`);
      expectError(theirPath, 403, 'not_in_company');
      expect((await userRow(p.user_id)).locked_until).not.toBeNull();
    });

    it('lets the company admin unlock the user, after which the right password signs in', async () => {
      const p = L.persona('architect');
      const res = await unlock(admin, p.user_id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: p.user_id, locked: false, locked_until: null });
      expect(await userRow(p.user_id)).toMatchObject({ locked_until: null, failures: 0 });
      const signIn = await login(api, p.email, p.password);
      expectTokenAnswer(signIn);
      expect((await me(api, signIn.body.access_token)).body.id).toBe(p.user_id);
    });

    it('needs the Procore-Company-Id header to unlock', async () => {
      const p = L.persona('architect');
      const res = await api.post(`/rest/v1.0/companies/${L.companyId}/users/${p.user_id}/actions/unlock`, undefined, {
        token: await L.token('company_admin'),
      });
      expectError(res, 400, 'company_header_missing');
    });

    it('starts counting afresh after an unlock: one wrong password is a 401 again', async () => {
      const p = L.persona('architect');
      expectOAuthError(await login(api, p.email, 'wrong-again'), 401, 'invalid_credentials', 'invalid_grant');
      expect((await userRow(p.user_id)).failures).toBe(1);
    });

    it('unlocks by itself once locked_until has passed', async () => {
      const p = L.persona('subcontractor');
      for (let i = 1; i <= 5; i++) await login(api, p.email, `wrong-${i}`);
      expectOAuthError(await login(api, p.email, p.password), 423, 'account_locked', 'invalid_grant');
      await t.db.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [p.user_id]);
      expectTokenAnswer(await login(api, p.email, p.password));
      expect(await userRow(p.user_id)).toMatchObject({ locked_until: null, failures: 0 });
    });

    it('counts only failures of the last fifteen minutes', async () => {
      const p = L.persona('superintendent');
      for (let i = 1; i <= 4; i++) await login(api, p.email, `wrong-${i}`);
      await t.db.query(`UPDATE login_failures SET failed_at = now() - interval '16 minutes' WHERE user_id = $1`, [p.user_id]);
      expectOAuthError(await login(api, p.email, 'wrong-5'), 401, 'invalid_credentials', 'invalid_grant');
      expect((await userRow(p.user_id)).locked_until).toBeNull();
    });

    it('clears the failure count on a successful sign-in', async () => {
      const p = L.persona('superintendent');
      await t.db.query('DELETE FROM login_failures WHERE user_id = $1', [p.user_id]);
      for (let i = 1; i <= 4; i++) await login(api, p.email, `wrong-${i}`);
      expectTokenAnswer(await login(api, p.email, p.password));
      expect((await userRow(p.user_id)).failures).toBe(0);
      for (let i = 1; i <= 4; i++) {
        expectOAuthError(await login(api, p.email, `wrong-after-${i}`), 401, 'invalid_credentials', 'invalid_grant');
      }
      expect((await userRow(p.user_id)).locked_until).toBeNull();
    });

    it('survives a storm of 30 concurrent wrong passwords: no 5xx, exactly four 401s, the rest 423, locked once', async () => {
      const p = L.persona('gc_project_manager');
      const before = await userRow(p.user_id);
      expect(before).toMatchObject({ locked_until: null, failures: 0 });
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(api, p.email, `storm-${i}`)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses.every((s) => s === 401 || s === 423)).toBe(true);
      const after = await userRow(p.user_id);
      expect(after.locked_until).not.toBeNull();
      expect(after.lock_ms_left).toBeGreaterThan(0);
      expect(after.failures).toBe(0);
      // the lock was written exactly once
      expect(after.version).toBe(before.version + 1);
      expect(statuses.filter((s) => s === 401)).toHaveLength(4);
      expect(statuses.filter((s) => s === 423)).toHaveLength(26);
      for (const a of answers) {
        if (a.status === 401) expectOAuthError(a, 401, 'invalid_credentials', 'invalid_grant');
        else {
          expectOAuthError(a, 423, 'account_locked', 'invalid_grant');
          expect(a.body.details.locked_until).toBe(after.locked_until!.toISOString());
        }
      }
      expectOAuthError(await login(api, p.email, p.password), 423, 'account_locked', 'invalid_grant');
    });

    it('never lets a right password that races a storm of wrong ones clear the lock', async () => {
      const p = L.persona('owner_rep');
      expect(await userRow(p.user_id)).toMatchObject({ locked_until: null, failures: 0 });
      const passwords = Array.from({ length: 30 }, (_, i) => (i === 29 ? p.password : `storm-${i}`));
      const answers = await Promise.all(passwords.map((pw) => login(api, p.email, pw)));
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      answers.forEach((a, i) => {
        if (i === 29) expect([200, 423]).toContain(a.status);
        else expect([401, 423]).toContain(a.status);
      });
      // whatever the interleaving, 29 failures lock the account and nothing unlocks it
      const after = await userRow(p.user_id);
      expect(after.locked_until).not.toBeNull();
      expect(after.lock_ms_left).toBeGreaterThan(0);
      expectOAuthError(await login(api, p.email, p.password), 423, 'account_locked', 'invalid_grant');
    });
  });

  describe('GET /oauth/token/info', () => {
    it('describes a password-grant token: owner, remaining lifetime, no application, creation time', async () => {
      const tokens = await freshLogin(sb, 'gc_project_manager');
      const res = await api.get('/oauth/token/info', { token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        resource_owner_id: sb.userId('gc_project_manager'),
        application: null,
        created_at: tokens.created_at,
      });
      expect(res.body.expires_in_seconds).toBeGreaterThan(0);
      expect(res.body.expires_in_seconds).toBeLessThanOrEqual(5400);
    });

    it('counts expires_in_seconds down to the stored expiry', async () => {
      const tokens = await freshLogin(sb, 'gc_project_manager');
      await t.db.query(`UPDATE oauth_tokens SET expires_at = now() + interval '90 seconds' WHERE access_hash = $1`, [sha256(tokens.access_token)]);
      const res = await api.get('/oauth/token/info', { token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.body.expires_in_seconds).toBeGreaterThan(0);
      expect(res.body.expires_in_seconds).toBeLessThanOrEqual(90);
    });

    it('names the application (uid = client_id) of an app token', async () => {
      const sa = app(sb, 'service_account');
      const grant = await tokenRequest(api, { grant_type: 'client_credentials', client_id: sa.client_id, client_secret: sa.client_secret });
      expectTokenAnswer(grant);
      const res = await api.get('/oauth/token/info', { token: grant.body.access_token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        resource_owner_id: sa.user_id,
        application: { uid: sa.client_id },
        created_at: grant.body.created_at,
      });
    });

    it('refuses a missing or unknown token with 401 unauthenticated', async () => {
      expectError(await api.get('/oauth/token/info'), 401, 'unauthenticated');
      expectError(await api.get('/oauth/token/info', { token: 'x'.repeat(43) }), 401, 'unauthenticated');
    });
  });

  describe('refresh_token grant', () => {
    const refresh = (body: Fields): Promise<Answer> => tokenRequest(api, { grant_type: 'refresh_token', ...body });

    it('rotates: the new pair works and the old refresh token is refused with invalid_grant', async () => {
      const first = await freshLogin(sb, 'architect');
      const second = await refresh({ refresh_token: first.refresh_token });
      expectTokenAnswer(second);
      expect(second.body.access_token).not.toBe(first.access_token);
      expect(second.body.refresh_token).not.toBe(first.refresh_token);
      const who = await me(api, second.body.access_token);
      expect(who.status).toBe(200);
      expect(who.body.id).toBe(sb.userId('architect'));

      expectOAuthError(await refresh({ refresh_token: first.refresh_token }), 400, 'invalid_request', 'invalid_grant');

      const third = await refresh({ refresh_token: second.body.refresh_token });
      expectTokenAnswer(third);
      expect((await me(api, third.body.access_token)).body.id).toBe(sb.userId('architect'));
    });

    it('accepts a refresh in a form body', async () => {
      const first = await freshLogin(sb, 'architect');
      const res = await postForm(api, '/oauth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token });
      expectTokenAnswer(res);
    });

    it('lets only one of two concurrent uses of a refresh token succeed', async () => {
      const first = await freshLogin(sb, 'architect');
      const answers = await Promise.all([refresh({ refresh_token: first.refresh_token }), refresh({ refresh_token: first.refresh_token })]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
      expectOAuthError(answers.find((a) => a.status === 400)!, 400, 'invalid_request', 'invalid_grant');
    });

    it('refuses an unknown refresh token, an access token in its place, and an expired one', async () => {
      expectOAuthError(await refresh({ refresh_token: 'y'.repeat(43) }), 400, 'invalid_request', 'invalid_grant');
      const tokens = await freshLogin(sb, 'architect');
      expectOAuthError(await refresh({ refresh_token: tokens.access_token }), 400, 'invalid_request', 'invalid_grant');
      await t.db.query(`UPDATE oauth_tokens SET refresh_expires_at = now() - interval '1 second' WHERE refresh_hash = $1`, [
        sha256(tokens.refresh_token),
      ]);
      expectOAuthError(await refresh({ refresh_token: tokens.refresh_token }), 400, 'invalid_request', 'invalid_grant');
    });

    it('refuses a missing refresh_token with invalid_request', async () => {
      expectOAuthError(await refresh({}), 400, 'invalid_request', 'invalid_request');
    });

    it('does not accept a refresh token as a bearer access token', async () => {
      const tokens = await freshLogin(sb, 'architect');
      expectError(await me(api, tokens.refresh_token), 401, 'unauthenticated');
    });

    it("needs the issuing app's client credentials for an app's refresh token", async () => {
      const sa = app(sb, 'service_account');
      const training = app(sb, 'training');
      const grant = await tokenRequest(api, { grant_type: 'client_credentials', client_id: sa.client_id, client_secret: sa.client_secret });
      expectTokenAnswer(grant);
      const rt = grant.body.refresh_token as string;

      expectOAuthError(await refresh({ refresh_token: rt }), 401, 'invalid_credentials', 'invalid_client');
      expectOAuthError(
        await refresh({ refresh_token: rt, client_id: sa.client_id, client_secret: `${sa.client_secret}x` }),
        401,
        'invalid_credentials',
        'invalid_client',
      );
      expectOAuthError(
        await refresh({ refresh_token: rt, client_id: training.client_id, client_secret: training.client_secret }),
        401,
        'invalid_credentials',
        'invalid_client',
      );

      // the refused attempts did not use the refresh token up
      const ok = await refresh({ refresh_token: rt, client_id: sa.client_id, client_secret: sa.client_secret });
      expectTokenAnswer(ok);
      const info = await api.get('/oauth/token/info', { token: ok.body.access_token });
      expect(info.body).toMatchObject({ resource_owner_id: sa.user_id, application: { uid: sa.client_id } });
    });

    it('issues the refreshed pair to the client that refreshed, which may then revoke it (RFC 6749 §6, RFC 7009)', async () => {
      const training = app(sb, 'training');
      const first = await freshLogin(sb, 'architect');
      const renewed = await refresh({ refresh_token: first.refresh_token, client_id: training.client_id, client_secret: training.client_secret });
      expectTokenAnswer(renewed);
      const info = await api.get('/oauth/token/info', { token: renewed.body.access_token });
      expect(info.body).toMatchObject({ resource_owner_id: sb.userId('architect'), application: { uid: training.client_id } });

      const revoked = await api.post('/oauth/revoke', {
        token: renewed.body.access_token,
        client_id: training.client_id,
        client_secret: training.client_secret,
      });
      expect({ status: revoked.status, body: revoked.body }).toEqual({ status: 200, body: {} });
      expectError(await me(api, renewed.body.access_token), 401, 'unauthenticated');
    });

    it("refuses another company's client refreshing a token, and leaves the refresh token usable", async () => {
      const foreign = app(other, 'training');
      const first = await freshLogin(sb, 'architect');
      expectOAuthError(
        await refresh({ refresh_token: first.refresh_token, client_id: foreign.client_id, client_secret: foreign.client_secret }),
        401,
        'invalid_credentials',
        'invalid_client',
      );
      expectTokenAnswer(await refresh({ refresh_token: first.refresh_token }));
    });

    it('works with the official @procore/js-sdk: refresh, call the API, then revoke', async () => {
      const training = app(sb, 'training');
      const apiHostname = await t.app.getUrl();
      const first = await freshLogin(sb, 'architect');
      const renewed = await sdk.refresh({ id: training.client_id, secret: training.client_secret, uri: TRAINING_CALLBACK, token: first.access_token, refresh: first.refresh_token }, { apiHostname });
      expect(renewed).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer' });

      const client = sdk.client(sdk.oauth(renewed.access_token), {}, { apiHostname, defaultVersion: 'v1.0' });
      const who = await client.get({ base: '/me' });
      expect(who.body).toMatchObject({ id: sb.userId('architect') });

      const revoked = await sdk.revoke({ token: renewed.access_token, clientId: training.client_id, clientSecret: training.client_secret }, { apiHostname });
      expect(revoked).toEqual({});
      expectError(await me(api, renewed.access_token), 401, 'unauthenticated');
    });
  });

  describe('POST /oauth/revoke', () => {
    it('answers 200 {} and the revoked access token is 401 unauthenticated on the very next request', async () => {
      const tokens = await freshLogin(sb, 'subcontractor');
      expect((await me(api, tokens.access_token)).status).toBe(200);
      const res = await api.post('/oauth/revoke', { token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expectError(await me(api, tokens.access_token), 401, 'unauthenticated');
      expectError(await api.get('/oauth/token/info', { token: tokens.access_token }), 401, 'unauthenticated');
    });

    it('revoking an access token also ends its refresh token', async () => {
      const tokens = await freshLogin(sb, 'subcontractor');
      expect((await api.post('/oauth/revoke', { token: tokens.access_token })).status).toBe(200);
      const res = await tokenRequest(api, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      expectOAuthError(res, 400, 'invalid_request', 'invalid_grant');
    });

    it('revoking a refresh token ends its access token too', async () => {
      const tokens = await freshLogin(sb, 'subcontractor');
      const res = await postForm(api, '/oauth/revoke', { token: tokens.refresh_token, token_type_hint: 'refresh_token' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      expectError(await me(api, tokens.access_token), 401, 'unauthenticated');
    });

    it('answers 200 {} for an unknown token', async () => {
      const res = await api.post('/oauth/revoke', { token: 'z'.repeat(43) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    });

    it('leaves other tokens of the same user working', async () => {
      const a = await freshLogin(sb, 'subcontractor');
      const b = await freshLogin(sb, 'subcontractor');
      expect((await api.post('/oauth/revoke', { token: a.access_token })).status).toBe(200);
      expect((await me(api, b.access_token)).status).toBe(200);
    });

    it("refuses a client revoking another client's token and revokes nothing", async () => {
      const service = app(sb, 'service_account');
      const training = app(sb, 'training');
      const issued = await tokenRequest(api, { grant_type: 'client_credentials', client_id: service.client_id, client_secret: service.client_secret });
      expect(issued.status).toBe(200);
      const res = await api.post('/oauth/revoke', { token: issued.body.access_token, client_id: training.client_id, client_secret: training.client_secret });
      expectOAuthError(res, 400, 'invalid_request', 'unauthorized_client');
      expect((await me(api, issued.body.access_token)).status).toBe(200);
      const own = await api.post('/oauth/revoke', { token: issued.body.access_token, client_id: service.client_id, client_secret: service.client_secret });
      expect(own.status).toBe(200);
      expectError(await me(api, issued.body.access_token), 401, 'unauthenticated');
    });

    it('refuses wrong client credentials with 401 invalid_client and revokes nothing', async () => {
      const training = app(sb, 'training');
      const tokens = await freshLogin(sb, 'subcontractor');
      const res = await api.post('/oauth/revoke', { token: tokens.access_token, client_id: training.client_id, client_secret: 'wrong-secret' });
      expectOAuthError(res, 401, 'invalid_credentials', 'invalid_client');
      expect((await me(api, tokens.access_token)).status).toBe(200);
    });
  });

  describe('expired tokens', () => {
    it('answers 401 session_expired for an access token past its expiry, while its refresh token still works', async () => {
      const tokens = await freshLogin(sb, 'owner_rep');
      expect((await me(api, tokens.access_token)).status).toBe(200);
      await t.db.query(`UPDATE oauth_tokens SET expires_at = now() - interval '1 second' WHERE access_hash = $1`, [sha256(tokens.access_token)]);
      const res = await me(api, tokens.access_token);
      expectError(res, 401, 'session_expired');
      expect(typeof res.body.error.details.expired_at).toBe('string');
      expectError(await api.get('/oauth/token/info', { token: tokens.access_token }), 401, 'session_expired');

      const renewed = await tokenRequest(api, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      expectTokenAnswer(renewed);
      expect((await me(api, renewed.body.access_token)).status).toBe(200);
    });

    it('answers unauthenticated (not session_expired) for a token that is both expired and revoked', async () => {
      const tokens = await freshLogin(sb, 'owner_rep');
      await t.db.query(`UPDATE oauth_tokens SET expires_at = now() - interval '1 second', revoked_at = now() WHERE access_hash = $1`, [
        sha256(tokens.access_token),
      ]);
      expectError(await me(api, tokens.access_token), 401, 'unauthenticated');
    });
  });

  describe('deactivation', () => {
    let D: TrainingSandbox;
    let admin: ApiClient;
    const action = (verb: string, userId: number): Promise<Answer> =>
      admin.post(`/rest/v1.0/companies/${D.companyId}/users/${userId}/actions/${verb}`);

    beforeAll(async () => {
      D = await TrainingSandbox.create(api, 'auth-deactivation');
      await D.relaxLimits();
      admin = await D.as('company_admin');
    });

    it('ends the existing token on the next request and refuses a new sign-in with account_inactive; reactivation restores both', async () => {
      const p = D.persona('superintendent');
      const tokens = await freshLogin(D, 'superintendent');
      expect((await me(api, tokens.access_token)).status).toBe(200);

      const off = await action('deactivate', p.user_id);
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ id: p.user_id, is_active: false });

      expectError(await me(api, tokens.access_token), 401, 'account_inactive');
      expectError(
        await api.get(`/rest/v1.0/projects/${D.project()}/users`, { token: tokens.access_token, company: D.companyId }),
        401,
        'account_inactive',
      );
      expectOAuthError(await login(api, p.email, p.password), 401, 'account_inactive', 'invalid_grant');
      expectOAuthError(
        await tokenRequest(api, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
        401,
        'account_inactive',
        'invalid_grant',
      );

      const on = await action('reactivate', p.user_id);
      expect(on.status).toBe(200);
      expect(on.body).toMatchObject({ id: p.user_id, is_active: true });
      expect((await me(api, tokens.access_token)).status).toBe(200);
      expectTokenAnswer(await login(api, p.email, p.password));
      // the refresh token refused while inactive was not used up
      expectTokenAnswer(await tokenRequest(api, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }));
    });

    it('does not reveal that an account is inactive to a wrong password', async () => {
      const p = D.persona('architect');
      expect((await action('deactivate', p.user_id)).status).toBe(200);
      expectOAuthError(await login(api, p.email, 'wrong-password'), 401, 'invalid_credentials', 'invalid_grant');
      expect((await action('reactivate', p.user_id)).status).toBe(200);
    });

    it('refuses an inactive user in the authorization form, without a redirect', async () => {
      const p = D.persona('architect');
      const training = app(D, 'training');
      expect((await action('deactivate', p.user_id)).status).toBe(200);
      const res = await postForm(api, '/oauth/authorize', {
        response_type: 'code',
        client_id: training.client_id,
        redirect_uri: TRAINING_CALLBACK,
        email: p.email,
        password: p.password,
      });
      expect(res.status).toBe(401);
      expect(res.headers.location).toBeUndefined();
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      expect(res.text).toContain('role="alert"');
      expect((await action('reactivate', p.user_id)).status).toBe(200);
    });

    it('refuses client_credentials for a deactivated service account', async () => {
      const sa = app(D, 'service_account');
      const grant = await tokenRequest(api, { grant_type: 'client_credentials', client_id: sa.client_id, client_secret: sa.client_secret });
      expectTokenAnswer(grant);
      await t.db.query('UPDATE users SET active = false WHERE id = $1', [sa.user_id]);
      expectOAuthError(
        await tokenRequest(api, { grant_type: 'client_credentials', client_id: sa.client_id, client_secret: sa.client_secret }),
        401,
        'account_inactive',
        'invalid_grant',
      );
      expectError(await me(api, grant.body.access_token), 401, 'account_inactive');
      await t.db.query('UPDATE users SET active = true WHERE id = $1', [sa.user_id]);
    });
  });

  describe('authorization code flow', () => {
    let training: App;

    beforeAll(() => {
      training = app(sb, 'training');
    });

    const authorizeQuery = (params: Fields): string => `/oauth/authorize?${new URLSearchParams(params).toString()}`;

    async function signInForCode(key: PersonaKey, state = 'st-123', redirectUri = TRAINING_CALLBACK): Promise<string> {
      const p = sb.persona(key);
      const res = await postForm(api, '/oauth/authorize', {
        response_type: 'code',
        client_id: training.client_id,
        redirect_uri: redirectUri,
        state,
        email: p.email,
        password: p.password,
      });
      expect(res.status).toBe(302);
      const { query } = redirectParams(String(res.headers.location));
      return query.get('code')!;
    }

    const exchange = (code: string, overrides: Fields = {}): Promise<Answer> =>
      postForm(api, '/oauth/token', {
        grant_type: 'authorization_code',
        code,
        client_id: training.client_id,
        client_secret: training.client_secret,
        redirect_uri: TRAINING_CALLBACK,
        ...overrides,
      });

    it('answers the sign-in form as HTML, carrying client_id, redirect_uri and state', async () => {
      const res = await api.get(
        authorizeQuery({ response_type: 'code', client_id: training.client_id, redirect_uri: TRAINING_CALLBACK, state: 'abc-42' }),
      );
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('<form method="post" action="/oauth/authorize">');
      expect(res.text).toContain(`name="client_id" value="${training.client_id}"`);
      expect(res.text).toContain(`name="redirect_uri" value="${TRAINING_CALLBACK}"`);
      expect(res.text).toContain('name="state" value="abc-42"');
      expect(res.text).toContain('name="password"');
      expect(res.text).toContain('Training Integration');
    });

    it('escapes the state it echoes into the form', async () => {
      const res = await api.get(
        authorizeQuery({ response_type: 'code', client_id: training.client_id, redirect_uri: TRAINING_CALLBACK, state: '"><script>alert(1)</script>' }),
      );
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('<script>alert(1)</script>');
    });

    it.each([
      ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/callback' }],
      ['a redirect_uri that only starts like a registered one', { redirect_uri: `${TRAINING_CALLBACK}/../../evil` }],
      ['a registered redirect_uri with extra query', { redirect_uri: `${TRAINING_CALLBACK}?next=https://evil.example` }],
      ['an unknown client_id', { client_id: 'no-such-client' }],
      ['an unsupported response_type', { response_type: 'id_token' }],
    ])('refuses %s with a 400 HTML page and no Location', async (_what, override) => {
      const res = await api.get(
        authorizeQuery({ response_type: 'code', client_id: training.client_id, redirect_uri: TRAINING_CALLBACK, state: 's', ...override }),
      );
      expect(res.status).toBe(400);
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).not.toContain('<form');
    });

    it('refuses an unregistered redirect_uri on submission too, even with the right password, and never redirects', async () => {
      const p = sb.persona('gc_project_manager');
      const res = await postForm(api, '/oauth/authorize', {
        response_type: 'code',
        client_id: training.client_id,
        redirect_uri: 'https://evil.example/callback',
        state: 's',
        email: p.email,
        password: p.password,
      });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).not.toContain('code=');
    });

    it('redirects a signed-in persona to the redirect URI with code and state', async () => {
      const p = sb.persona('gc_project_manager');
      const res = await signInForm(api, training.client_id, p, 'code', 'xyz-789');
      expect(res.status).toBe(302);
      const { base, query, fragment } = redirectParams(String(res.headers.location));
      expect(base).toBe(TRAINING_CALLBACK);
      expect(query.get('state')).toBe('xyz-789');
      expect(query.get('code')).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/));
      expect([...fragment.keys()]).toEqual([]);
    });

    it('exchanges a code once for a token of the persona and the app; the second exchange is invalid_grant', async () => {
      const code = await signInForCode('gc_project_manager');
      const first = await exchange(code);
      expectTokenAnswer(first);
      const who = await me(api, first.body.access_token);
      expect(who.status).toBe(200);
      expect(who.body.id).toBe(sb.userId('gc_project_manager'));
      const info = await api.get('/oauth/token/info', { token: first.body.access_token });
      expect(info.body).toMatchObject({ resource_owner_id: sb.userId('gc_project_manager'), application: { uid: training.client_id } });

      expectOAuthError(await exchange(code), 400, 'invalid_request', 'invalid_grant');
    });

    it('exchanges a code given in a JSON body too', async () => {
      const code = await signInForCode('gc_project_manager');
      const res = await api.post('/oauth/token', {
        grant_type: 'authorization_code',
        code,
        client_id: training.client_id,
        client_secret: training.client_secret,
        redirect_uri: TRAINING_CALLBACK,
      });
      expectTokenAnswer(res);
    });

    it('lets only one of two concurrent exchanges of a code succeed', async () => {
      const code = await signInForCode('gc_project_manager');
      const answers = await Promise.all([exchange(code), exchange(code)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    });

    it('refuses a wrong client_secret with 401 invalid_client', async () => {
      const code = await signInForCode('gc_project_manager');
      expectOAuthError(await exchange(code, { client_secret: 'wrong-secret' }), 401, 'invalid_credentials', 'invalid_client');
      expectOAuthError(await exchange(code, { client_secret: '' }), 401, 'invalid_credentials', 'invalid_client');
    });

    it("refuses a code presented by another app, even with that app's valid credentials", async () => {
      const sa = app(sb, 'service_account');
      const code = await signInForCode('gc_project_manager');
      expectOAuthError(await exchange(code, { client_id: sa.client_id, client_secret: sa.client_secret }), 400, 'invalid_request', 'invalid_grant');
    });

    it('refuses a redirect_uri other than the one the code was issued for', async () => {
      const code = await signInForCode('gc_project_manager', 's', TRAINING_CALLBACK);
      expectOAuthError(await exchange(code, { redirect_uri: 'urn:ietf:wg:oauth:2.0:oob' }), 400, 'invalid_request', 'invalid_grant');
    });

    it('refuses an expired code and an unknown code', async () => {
      const code = await signInForCode('gc_project_manager');
      await t.db.query(`UPDATE oauth_codes SET expires_at = now() - interval '1 second' WHERE code_hash = $1`, [sha256(code)]);
      expectOAuthError(await exchange(code), 400, 'invalid_request', 'invalid_grant');
      expectOAuthError(await exchange('not-a-real-code-at-all'), 400, 'invalid_request', 'invalid_grant');
    });

    it('stores codes hashed', async () => {
      const code = await signInForCode('gc_project_manager');
      const { rows } = await t.db.query('SELECT code_hash FROM oauth_codes WHERE code_hash IN ($1, $2)', [code, sha256(code)]);
      expect(rows).toEqual([{ code_hash: sha256(code) }]);
    });

    it('answers the form again with an error (401) and no redirect for a wrong password', async () => {
      const p = sb.persona('superintendent');
      const res = await postForm(api, '/oauth/authorize', {
        response_type: 'code',
        client_id: training.client_id,
        redirect_uri: TRAINING_CALLBACK,
        state: 'keep-me',
        email: p.email,
        password: 'wrong-password',
      });
      expect(res.status).toBe(401);
      expect(res.headers.location).toBeUndefined();
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      expect(res.text).toContain('<form method="post" action="/oauth/authorize">');
      expect(res.text).toContain('role="alert"');
      expect(res.text).toContain('The email or password is not correct.');
      expect(res.text).toContain('name="state" value="keep-me"');
      expect(res.text).not.toContain('wrong-password');
      // the failure counts toward lockout like any other; a good sign-in clears it
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM login_failures WHERE user_id = $1', [p.user_id]);
      expect(rows[0].n).toBe(1);
      await freshLogin(sb, 'superintendent');
    });

    it('escapes the state it echoes into the form after a failed sign-in', async () => {
      const p = sb.persona('superintendent');
      const res = await postForm(api, '/oauth/authorize', {
        response_type: 'code',
        client_id: training.client_id,
        redirect_uri: TRAINING_CALLBACK,
        state: '"><img src=x onerror=alert(1)>',
        email: p.email,
        password: 'wrong-password',
      });
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('<img src=x');
      await freshLogin(sb, 'superintendent');
    });

    it('does not let a persona of another sandbox sign in through this app', async () => {
      const stranger = other.persona('gc_project_manager');
      const res = await signInForm(api, training.client_id, stranger, 'code', 's');
      expect(res.status).toBe(401);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('role="alert"');
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM oauth_codes WHERE user_id = $1', [stranger.user_id]);
      expect(rows[0].n).toBe(0);

      const implicit = await postForm(api, '/oauth/authorize', {
        response_type: 'token',
        client_id: training.client_id,
        redirect_uri: TRAINING_CALLBACK,
        email: stranger.email,
        password: stranger.password,
      });
      expect(implicit.status).toBe(401);
      expect(implicit.headers.location).toBeUndefined();
    });

    it("does not let a persona of another sandbox use this app's client_id in a password grant", async () => {
      const stranger = other.persona('gc_project_manager');
      const res = await tokenRequest(api, {
        grant_type: 'password',
        username: stranger.email,
        password: stranger.password,
        client_id: training.client_id,
      });
      expect(res.status).toBe(401);
      expect(res.body.access_token).toBeUndefined();
    });
  });

  describe('implicit flow', () => {
    it('redirects with the access token in the URL fragment, not the query', async () => {
      const training = app(sb, 'training');
      const p = sb.persona('architect');
      const res = await signInForm(api, training.client_id, p, 'token', 'imp-1');
      expect(res.status).toBe(302);
      const { base, query, fragment } = redirectParams(String(res.headers.location));
      expect(base).toBe(TRAINING_CALLBACK);
      expect([...query.keys()]).toEqual([]);
      expect(fragment.get('token_type')).toBe('Bearer');
      expect(fragment.get('expires_in')).toBe('5400');
      expect(fragment.get('state')).toBe('imp-1');
      expect(fragment.get('refresh_token')).toBeNull();
      const token = fragment.get('access_token')!;
      const who = await me(api, token);
      expect(who.status).toBe(200);
      expect(who.body.id).toBe(p.user_id);
      const info = await api.get('/oauth/token/info', { token });
      expect(info.body.application).toEqual({ uid: training.client_id });
    });

    it('answers the implicit sign-in form for response_type=token', async () => {
      const training = app(sb, 'training');
      const res = await api.get(
        `/oauth/authorize?${new URLSearchParams({ response_type: 'token', client_id: training.client_id, redirect_uri: TRAINING_CALLBACK })}`,
      );
      expect(res.status).toBe(200);
      expect(res.text).toContain('name="response_type" value="token"');
    });
  });

  describe('client_credentials grant', () => {
    it('gives the service account app a token that acts as its own directory user', async () => {
      const sa = app(sb, 'service_account');
      expect(sa.user_id).toEqual(expect.any(Number));
      const res = await tokenRequest(api, { grant_type: 'client_credentials', client_id: sa.client_id, client_secret: sa.client_secret });
      expectTokenAnswer(res);
      const who = await me(api, res.body.access_token);
      expect(who.status).toBe(200);
      expect(who.body).toMatchObject({ id: sa.user_id, company_ids: [sb.companyId] });
    });

    it('works with a form body', async () => {
      const sa = app(sb, 'service_account');
      const res = await postForm(api, '/oauth/token', { grant_type: 'client_credentials', client_id: sa.client_id, client_secret: sa.client_secret });
      expectTokenAnswer(res);
    });

    it('refuses the non-service training app with 400 unauthorized_client', async () => {
      const training = app(sb, 'training');
      const res = await tokenRequest(api, { grant_type: 'client_credentials', client_id: training.client_id, client_secret: training.client_secret });
      expectOAuthError(res, 400, 'invalid_request', 'unauthorized_client');
    });

    it('refuses a wrong or missing client_secret with 401 invalid_client', async () => {
      const sa = app(sb, 'service_account');
      expectOAuthError(
        await tokenRequest(api, { grant_type: 'client_credentials', client_id: sa.client_id, client_secret: 'nope' }),
        401,
        'invalid_credentials',
        'invalid_client',
      );
      expectOAuthError(
        await tokenRequest(api, { grant_type: 'client_credentials', client_id: sa.client_id }),
        401,
        'invalid_credentials',
        'invalid_client',
      );
      expectOAuthError(
        await tokenRequest(api, { grant_type: 'client_credentials', client_id: 'unknown-client', client_secret: 'nope' }),
        401,
        'invalid_credentials',
        'invalid_client',
      );
    });

    it("does not accept another sandbox's secret for this sandbox's app", async () => {
      const sa = app(sb, 'service_account');
      const res = await tokenRequest(api, {
        grant_type: 'client_credentials',
        client_id: sa.client_id,
        client_secret: app(other, 'service_account').client_secret,
      });
      expectOAuthError(res, 401, 'invalid_credentials', 'invalid_client');
    });
  });

  describe('bearer authentication on /rest', () => {
    it('refuses a request without Authorization with 401 unauthenticated in the standard shape', async () => {
      expectError(await api.get('/rest/v1.0/me'), 401, 'unauthenticated');
    });

    it.each([
      ['a Basic header', 'Basic dXNlcjpwYXNz'],
      ['the scheme alone', 'Bearer'],
      ['the scheme and a blank', 'Bearer   '],
      ['a token without scheme', 'abcdefghijklmnopqrstuvwxyz0123456789'],
      ['two tokens', 'Bearer abcdefghijklmnop qrstuvwxyz0123456789'],
      ['a token with characters outside base64url', 'Bearer abc<def>ghi"jkl;mnop'],
      ['a very long token', `Bearer ${'a'.repeat(5000)}`],
    ])('refuses a malformed header (%s) with 401 unauthenticated', async (_what, header) => {
      expectError(await api.get('/rest/v1.0/me', { headers: { authorization: header } }), 401, 'unauthenticated');
    });

    it('refuses a well-formed but unknown token with 401 unauthenticated', async () => {
      expectError(await me(api, 'garbage-token-that-matches-nothing-0123456789'), 401, 'unauthenticated');
    });

    it("refuses the sandbox's control token as a platform access token", async () => {
      expectError(await me(api, sb.info.sandbox_token), 401, 'unauthenticated');
    });

    it('accepts the Bearer scheme in any letter case', async () => {
      const tokens = await freshLogin(sb, 'architect');
      const res = await api.get('/rest/v1.0/me', { headers: { authorization: `bearer ${tokens.access_token}` } });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(sb.userId('architect'));
    });

    it('echoes a client X-Request-Id in the error body', async () => {
      const res = await api.get('/rest/v1.0/me', { headers: { 'x-request-id': 'client-req-0001' } });
      expectError(res, 401, 'unauthenticated');
      expect(res.body.error.request_id).toBe('client-req-0001');
    });

    it('answers /me with id, login, name and company_ids', async () => {
      const p = sb.persona('owner_rep');
      const tokens = await freshLogin(sb, 'owner_rep');
      const res = await me(api, tokens.access_token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: p.user_id, login: p.email, name: expect.any(String), company_ids: [sb.companyId] });
    });
  });

  describe('client compatibility', () => {
    it('answers a GET that sends Content-Type: application/json and no body', async () => {
      const tokens = await freshLogin(sb, 'architect');
      const res = await api.request('GET', '/rest/v1.0/me', { token: tokens.access_token, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(sb.userId('architect'));
    });

    it('reads bracket query strings: filters[active]=true&filters[ids][]=…', async () => {
      const admin = await sb.as('company_admin');
      const pm = sb.userId('gc_project_manager');
      const sup = sb.userId('superintendent');
      const url = `/rest/v1.0/companies/${sb.companyId}/users?filters[active]=true&filters[ids][]=${pm}&filters[ids][]=${sup}&sort=id`;
      const res = await admin.get(url);
      expect(res.status).toBe(200);
      expect((res.body as { id: number }[]).map((u) => u.id)).toEqual([pm, sup].sort((a, b) => a - b));
      expect(res.headers.total).toBe('2');

      const one = await admin.get(`/rest/v1.0/companies/${sb.companyId}/users?filters%5Bactive%5D=true&filters%5Bids%5D%5B%5D=${pm}`);
      expect(one.status).toBe(200);
      expect((one.body as { id: number }[]).map((u) => u.id)).toEqual([pm]);

      const inactive = await admin.get(`/rest/v1.0/companies/${sb.companyId}/users?filters[active]=false&filters[ids][]=${pm}`);
      expect(inactive.status).toBe(200);
      expect(inactive.body).toEqual([]);
    });

    it('answers a DELETE that sends Content-Type: application/json and no body (204)', async () => {
      const admin = await sb.as('company_admin');
      const project = sb.project('first');
      const architect = sb.userId('architect');
      expect((await admin.get(`/rest/v1.0/projects/${project}/users/${architect}`)).status).toBe(200);
      const res = await admin.request('DELETE', `/rest/v1.0/projects/${project}/users/${architect}`, {
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await admin.get(`/rest/v1.0/projects/${project}/users/${architect}`)).status).toBe(404);
    });

    it('answers a bodiless POST action with Content-Type: application/json', async () => {
      const admin = await sb.as('company_admin');
      const res = await admin.request('POST', `/rest/v1.0/companies/${sb.companyId}/users/${sb.userId('owner_rep')}/actions/unlock`, {
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(sb.userId('owner_rep'));
    });
  });
});
