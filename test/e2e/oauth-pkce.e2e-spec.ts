import { createHash, randomBytes } from 'node:crypto';
import { Answer, ApiClient } from '../support/api-client';
import { TrainingSandbox } from '../support/sandbox';
import { TestApp } from '../support/test-app';

const FORM = 'application/x-www-form-urlencoded';
/** The address the in-process client reaches the server by (Fastify's inject). */
const OWN = 'http://localhost';
const CONSOLE_CALLBACK = `${OWN}/console/callback`;

const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

/** The console's sign-in: its callback on the server's own address, and PKCE instead of a client secret in the browser. */
describe('OAuth for the training console: same-origin callback and PKCE', () => {
  let t: TestApp;
  let api: ApiClient;
  let sb: TrainingSandbox;
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    t = await TestApp.start();
    api = t.client();
    sb = await TrainingSandbox.create(api, 'pkce');
    const training = sb.info.apps.find((a) => a.key === 'training')!;
    clientId = training.client_id;
    clientSecret = training.client_secret;
    expect(training.redirect_uris).toContain('/console/callback');
  });
  afterAll(() => t.stop());

  const form = (fields: Record<string, string>): Promise<Answer> =>
    api.request('POST', '/oauth/authorize', { raw: new URLSearchParams(fields).toString(), headers: { 'content-type': FORM } });
  const token = (fields: Record<string, string>): Promise<Answer> =>
    api.request('POST', '/oauth/token', { raw: new URLSearchParams(fields).toString(), headers: { 'content-type': FORM } });

  async function codeFor(challenge: string | null, redirectUri = CONSOLE_CALLBACK): Promise<string> {
    const p = sb.persona('subcontractor');
    const res = await form({
      response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 'st-1', email: p.email, password: p.password,
      ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    });
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('st-1');
    return location.searchParams.get('code')!;
  }

  it('answers the form for the console callback on its own address, with the PKCE fields and the hinted email', async () => {
    const challenge = s256(randomBytes(32).toString('base64url'));
    const email = sb.persona('subcontractor').email;
    const res = await api.get(`/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CONSOLE_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256', login_hint: email })}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`name="code_challenge" value="${challenge}"`);
    expect(res.text).toContain('name="code_challenge_method" value="S256"');
    expect(res.text).toContain(`value="${email}"`);
  });

  it('refuses the callback path on another address, with a query, or as a bare path', async () => {
    for (const redirect of ['http://evil.example/console/callback', `${OWN}/console/callback?x=1`, `${OWN}/console/other`, '/console/callback', `${OWN}:8080/console/callback`]) {
      const res = await api.get(`/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirect })}`);
      expect({ redirect, status: res.status }).toEqual({ redirect, status: 400 });
      expect(res.text).toContain('redirect_uri is not registered');
    }
  });

  it('takes the callback path on SIM_PUBLIC_URL only, when it is set: another Host is not an address of the server', async () => {
    const behind = await TestApp.start({ sharing: t, env: { SIM_PUBLIC_URL: 'https://sitesim.example' } });
    try {
      const ask = (redirect: string) => behind.client().get(`/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirect })}`);
      expect((await ask('https://sitesim.example/console/callback')).status).toBe(200);
      const own = await ask(CONSOLE_CALLBACK);
      expect(own.status).toBe(400);
      expect(own.text).toContain('redirect_uri is not registered');
    } finally {
      await behind.stop();
    }
  });

  it('refuses plain or malformed challenges before anyone signs in', async () => {
    for (const [challenge, method] of [['x'.repeat(43), 'plain'], ['short', 'S256'], ['x'.repeat(43), '']] as const) {
      const q: Record<string, string> = { response_type: 'code', client_id: clientId, redirect_uri: CONSOLE_CALLBACK, code_challenge: challenge };
      if (method) q.code_challenge_method = method;
      const res = await api.get(`/oauth/authorize?${new URLSearchParams(q)}`);
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/code_challenge/);
    }
  });

  it('exchanges a PKCE code with its verifier and no secret, once', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const code = await codeFor(s256(verifier));
    const wrong = await token({ grant_type: 'authorization_code', code, client_id: clientId, redirect_uri: CONSOLE_CALLBACK, code_verifier: randomBytes(32).toString('base64url') });
    expect({ status: wrong.status, error: wrong.body.error }).toMatchObject({ status: 400, error: 'invalid_grant' });
    const ok = await token({ grant_type: 'authorization_code', code, client_id: clientId, redirect_uri: CONSOLE_CALLBACK, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const me = await api.get('/rest/v1.0/me', { token: ok.body.access_token });
    expect(me.body.id).toBe(sb.userId('subcontractor'));
    const info = await api.get('/oauth/token/info', { token: ok.body.access_token });
    expect(info.body.application).toEqual({ uid: clientId });
    const again = await token({ grant_type: 'authorization_code', code, client_id: clientId, redirect_uri: CONSOLE_CALLBACK, code_verifier: verifier });
    expect(again.status).toBe(400);
  });

  it('holds a PKCE code to its verifier even with the secret, and a code without a challenge to the secret', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const code = await codeFor(s256(verifier));
    const noVerifier = await token({ grant_type: 'authorization_code', code, client_id: clientId, client_secret: clientSecret, redirect_uri: CONSOLE_CALLBACK });
    expect({ status: noVerifier.status, error: noVerifier.body.error }).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((await token({ grant_type: 'authorization_code', code, client_id: clientId, client_secret: clientSecret, redirect_uri: CONSOLE_CALLBACK, code_verifier: verifier })).status).toBe(200);

    const plainCode = await codeFor(null);
    const withoutSecret = await token({ grant_type: 'authorization_code', code: plainCode, client_id: clientId, redirect_uri: CONSOLE_CALLBACK, code_verifier: verifier });
    expect({ status: withoutSecret.status, error: withoutSecret.body.error }).toMatchObject({ status: 401, error: 'invalid_client' });
    // the refused exchange left the code as it was: the secret still exchanges it
    expect((await token({ grant_type: 'authorization_code', code: plainCode, client_id: clientId, client_secret: clientSecret, redirect_uri: CONSOLE_CALLBACK })).status).toBe(200);
  });
});
