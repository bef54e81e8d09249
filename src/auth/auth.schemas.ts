import { ArrayOf, DateTime, Email, Enum, Id, Int, Named, Nullable, Obj, Optional, Str, Type } from '../common/openapi/schema';
import { GRANT_TYPES } from './dto/token-request.dto';

/** RFC 6749 §5.1, as the reference platform answers it. */
export const TokenAnswer = Named(
  'TokenAnswer',
  Obj({
    access_token: Str({ example: 'kq3YtR2xv8mN0bV7cL1pZs4wQe6uJh9aFd5gTy2rUi0' }),
    token_type: Enum(['Bearer']),
    expires_in: Int({ minimum: 1, description: 'Seconds the access token lives', example: 7200 }),
    refresh_token: Str({ example: 'Wm2nB8vC4xZ1lK7jH3gF9dS5aQ0pO6iU2yT8rE4wQ1e' }),
    created_at: Int({ description: 'When it was issued (epoch seconds)', example: 1795539192 }),
  }),
);

const opt = (max: number, description: string) => Optional(Str({ maxLength: max, description }));

export const TokenRequest = Named(
  'TokenRequest',
  Obj({
    grant_type: Enum(GRANT_TYPES),
    code: opt(512, 'authorization_code: the code from the redirect'),
    client_id: opt(128, "The app's client_id (password and refresh grants: optional; a public client sends only this)"),
    client_secret: opt(256, "The app's client_secret"),
    redirect_uri: opt(2048, 'authorization_code: the redirect_uri the code was issued for'),
    refresh_token: opt(512, 'refresh_token: the refresh token to rotate'),
    username: opt(255, "password: the persona's email"),
    password: opt(1024, "password: the persona's password"),
    scope: opt(255, 'Accepted and ignored'),
    code_verifier: opt(128, 'authorization_code with PKCE: the verifier whose S256 challenge the code was issued with; it stands in for client_secret'),
  }),
);

export const RevokeRequest = Named(
  'RevokeRequest',
  Obj({
    token: Str({ maxLength: 512, description: 'An access or refresh token' }),
    token_type_hint: opt(64, 'access_token or refresh_token (RFC 7009; either is found without it)'),
    client_id: opt(128, 'The client revoking its own token'),
    client_secret: opt(256, "That client's secret"),
  }),
);

export const AuthorizeForm = Obj({
  response_type: Enum(['code', 'token']),
  client_id: Str({ maxLength: 128 }),
  redirect_uri: opt(2048, 'One of the app’s registered redirect URIs'),
  state: opt(512, 'Echoed on the redirect'),
  code_challenge: opt(128, 'PKCE: base64url(SHA-256(code_verifier)), carried from the form'),
  code_challenge_method: opt(16, 'PKCE: `S256`'),
  email: Str({ maxLength: 255 }),
  password: Str({ maxLength: 1024 }),
});

export const Empty = Obj({}, { description: 'An empty object (RFC 7009 answers `{}`)' });

export const TokenInfo = Obj({
  resource_owner_id: Id,
  scope: ArrayOf(Str()),
  expires_in_seconds: Int({ minimum: 0 }),
  application: Nullable(Obj({ uid: Str({ description: "The app's client_id" }) })),
  created_at: Int({ description: 'When the token was issued (epoch seconds)' }),
});

export const Me = Named('Me', Obj({ id: Id, login: Email, name: Str({ example: 'Sam Okafor' }), company_ids: ArrayOf(Id) }));

export { DateTime, Type };
