import { AnyJson, DateTime, Id, Int, MapOf, Named, Nullable, Obj, Str } from '../common/openapi/schema';

/** One audit event (the audit log's row). */
export const AuditEvent = Named(
  'AuditEvent',
  Obj({
    id: Int({ minimum: 1, example: 1042 }),
    kind: Str({ description: 'What happened: `permission_denied`, `user_created`, `member_added`, `template_updated`, `account_locked`, …', example: 'member_added' }),
    action: Nullable(Str({ description: 'The matrix action, for a denial', example: 'rfis.create_draft' })),
    user_id: Nullable(Id),
    project_id: Nullable(Id),
    detail: MapOf(AnyJson('A value of the event'), 'What the event records; its fields depend on `kind` (e.g. `user_id` and `template_id` for `member_added`)'),
    request_id: Nullable(Str({ description: 'The request that caused it (`X-Request-Id`)', example: '0f2c6a1e9b7d4c3a' })),
    created_at: DateTime,
  }),
);
