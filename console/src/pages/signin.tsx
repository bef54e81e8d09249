import { useEffect, useState } from 'preact/hooks';
import { ApiError, call } from '../api';
import { challengeOf, randomString } from '../pkce';
import { navigate } from '../router';
import { notice, pending, trainee } from '../session';
import { ErrorBox, Field, Loading, Page } from '../ui';
import type { ViewProps } from '../routes';

export const callbackUrl = () => `${location.origin}/console/callback`;

/** A trainee signs in as a persona: the training app's own sign-in page (OAuth authorization code, with PKCE). */
export function SignIn({ query }: ViewProps) {
  const [message] = useState(() => notice.take());
  const [error, setError] = useState<unknown>(null);
  const clientId = query.get('client_id') ?? '';

  async function start(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const client = String(form.get('client_id') ?? '').trim();
    const email = String(form.get('email') ?? '').trim();
    try {
      const verifier = randomString(48);
      const state = randomString(16);
      pending.set({ state, verifier, client_id: client, redirect_uri: callbackUrl() });
      const params = new URLSearchParams({ response_type: 'code', client_id: client, redirect_uri: callbackUrl(), state, code_challenge: await challengeOf(verifier), code_challenge_method: 'S256' });
      if (email) params.set('login_hint', email);
      location.assign(`/oauth/authorize?${params}`);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Page title="Sign in as a persona" lead="Use a login from the sheet your trainer gave you. You sign in on the training app's own page; the console never sees your password.">
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      {error !== null && <ErrorBox error={error} />}
      <form onSubmit={start}>
        <Field label="Training app (client_id)" id="client-id" hint="On your login sheet, e.g. sbx12-training.">
          <input id="client-id" name="client_id" required defaultValue={clientId} autoComplete="off" spellcheck={false} aria-describedby="client-id-hint" />
        </Field>
        <Field label="Persona email (optional)" id="email" hint="Filled in on the sign-in page for you.">
          <input id="email" name="email" type="email" autoComplete="username" aria-describedby="email-hint" />
        </Field>
        <div class="actions">
          <button type="submit">Continue to the sign-in page</button>
        </div>
      </form>
    </Page>
  );
}

interface TokenAnswer {
  access_token: string;
}

/** Where the sign-in page sends the trainee back: the code is exchanged for a token with the PKCE verifier. */
export function Callback({ query }: ViewProps) {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const code = query.get('code');
    const state = query.get('state');
    const p = pending.get();
    // The code must not stay in the address bar or the history.
    history.replaceState(null, '', '/console/callback');
    (async () => {
      if (query.get('error')) throw new ApiError(400, String(query.get('error')), String(query.get('error_description') ?? 'The sign-in was refused.'));
      if (!code || !p || state !== p.state) throw new ApiError(400, 'invalid_state', 'This sign-in was not started from this tab (or was already used). Start again.');
      pending.set(null);
      const tokens = await call<TokenAnswer>('POST', '/oauth/token', { body: { grant_type: 'authorization_code', code, client_id: p.client_id, redirect_uri: p.redirect_uri, code_verifier: p.verifier } });
      const me = await call<{ id: number; name: string; login: string; company_ids: number[] }>('GET', '/rest/v1.0/me', { token: tokens.access_token });
      trainee.set({ access_token: tokens.access_token, client_id: p.client_id, company_id: me.company_ids[0], user: { id: me.id, name: me.name, login: me.login } });
      navigate('/see', { replace: true });
    })().catch(setError);
  }, []);
  if (error === null) return <Loading what="your session" />;
  return (
    <Page title="Sign-in failed">
      <ErrorBox error={error} />
      <p>
        <a href="/console/signin">Sign in again</a>
      </p>
    </Page>
  );
}
