import { ArrayOf, DateTime, Id, Named, Nullable, Obj, Str } from '../common/openapi/schema';

const appFields = {
  id: Id,
  name: Str({ example: 'Field Sync' }),
  client_id: Str({ example: 'app-3kQ9vX2mB7nL' }),
  redirect_uris: ArrayOf(Str({ description: 'An http(s) URL, or urn:ietf:wg:oauth:2.0:oob', example: 'https://fieldsync.example/callback' })),
  service_account_user_id: Nullable(Id),
  created_at: DateTime,
};

/** An OAuth app of the company, as listed (the secret is never shown again). */
export const OAuthApp = Named('OAuthApp', Obj(appFields));

/** A newly created app: the only answer that carries its secret. */
export const OAuthAppCreated = Named(
  'OAuthAppCreated',
  Obj({ ...appFields, client_secret: Str({ description: 'Shown once, now: it is stored hashed', example: 'Wm2nB8vC4xZ1lK7jH3gF9dS5aQ0pO6iU2yT8rE4wQ1e' }) }),
);
