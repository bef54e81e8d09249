import { ApiError, call, request } from './api';
import { navigate } from './router';
import { notice, trainee } from './session';

const SIGNED_OUT = new Set(['session_expired', 'unauthenticated', 'account_inactive']);

/**
 * The trainee's calls: their own access token and company. When the session
 * is over (expired on the sandbox clock, revoked, a reset), back to sign-in.
 */
export async function asTrainee<T>(method: string, url: string, options: { body?: unknown; company?: number } = {}): Promise<T> {
  return (await asTraineeWithHeaders<T>(method, url, options)).body;
}

export async function asTraineeWithHeaders<T>(method: string, url: string, options: { body?: unknown; company?: number } = {}): Promise<{ body: T; headers: Headers }> {
  const s = trainee.get();
  if (!s) {
    signOut('Sign in first.');
    throw new ApiError(401, 'unauthenticated', 'Sign in first.');
  }
  try {
    return await request<T>(method, url, { token: s.access_token, company: options.company ?? s.company_id, body: options.body });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && SIGNED_OUT.has(err.code)) {
      signOut(err.code === 'session_expired' ? 'Your session expired: sign in again.' : `You were signed out (${err.message}) Sign in again.`);
    }
    throw err;
  }
}

export function signOut(message: string | null): void {
  const s = trainee.get();
  trainee.set(null);
  if (message) notice.set(message);
  navigate(`/signin${s ? `?client_id=${encodeURIComponent(s.client_id)}` : ''}`, { replace: true });
}

export { call };
