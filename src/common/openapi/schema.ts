import { type Static, type TObject, type TProperties, type TSchema, Type, type TUnsafe } from '@sinclair/typebox';
import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes';

/**
 * The building blocks of the API's JSON schemas (OpenAPI 3.0 dialect). Every
 * object is closed (`additionalProperties: false`), so that a field a handler
 * answers but the document does not name, or one it names but the handler
 * does not answer, fails the e2e response validation.
 */

export { Type };
export type { Static, TSchema };

/** A closed object: every property required unless wrapped in `Type.Optional`. */
export function Obj<T extends TProperties>(properties: T, options: { description?: string; example?: unknown } = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** OpenAPI 3.0 spells "or null" as `nullable: true` beside the type. */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  if (schema.$ref !== undefined || schema.$id !== undefined) {
    // a reference cannot carry `nullable` in 3.0, and `nullable` beside `allOf` (no `type`) is refused by
    // validators (Ajv) and lets null through to the referenced schema: the reference, or a branch that is only null
    return Type.Unsafe<Static<T> | null>({ anyOf: [schema, { type: 'object', nullable: true, enum: [null], additionalProperties: false }] });
  }
  // OpenAPI 3.0.3: with `enum`, null is allowed only when the enum lists it
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true, ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}) });
}

/**
 * A schema that the document lists under `components/schemas` by this name and
 * refers to with `$ref` wherever it is used (and that the typed client names).
 */
export function Named<T extends TSchema>(name: string, schema: T): T {
  return { ...schema, $id: name };
}

export const Id = Type.Integer({ minimum: 1, description: 'An integer id', example: 42 });
export const Version = Type.Integer({ minimum: 1, description: 'The item version: +1 per write; send it back in `If-Match` or `version`', example: 3 });
export const DateTime = Type.String({ format: 'date-time', description: 'ISO 8601, UTC', example: '2026-11-23T16:53:12.123Z' });
export const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD', example: '2026-12-04' });
export const Money = Type.String({ pattern: '^-?\\d+\\.\\d{2}$', description: 'A decimal amount with two places', example: '1250.00' });
export const Email = Type.String({ format: 'email', example: 'sam.okafor@keystone.example' });
export const Url = Type.String({ format: 'uri', example: 'https://hooks.example.com/sitesim' });
export const Str = (options: { description?: string; example?: string; maxLength?: number; minLength?: number } = {}) => Type.String(options);
export const Int = (options: { description?: string; example?: number; minimum?: number; maximum?: number } = {}) => Type.Integer(options);
export const Num = (options: { description?: string; example?: number; minimum?: number; maximum?: number } = {}) => Type.Number(options);
export const Bool = (options: { description?: string; example?: boolean } = {}) => Type.Boolean(options);
export const Enum = <const V extends readonly string[]>(values: V, options: { description?: string } = {}) =>
  Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });
export const ArrayOf = <T extends TSchema>(items: T, options: { description?: string; maxItems?: number } = {}) => Type.Array(items, options);
export const Optional = Type.Optional;
/** A JSON value of any shape (details, snapshots, payloads): deliberately open. */
export const AnyJson = (description: string) => Type.Unsafe<unknown>({ description });
/** An object whose keys are data (ids, names), with values of one shape. */
export const MapOf = <T extends TSchema>(values: T, description: string) =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: values, description });

/** A person as another record refers to them (API.md "Writes"). */
export const UserRef = Named('UserRef', Obj({ id: Id, name: Str({ example: 'Sam Okafor' }), login: Email }));

const codesOf = (status: number): ErrorCode[] => (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => ERROR_STATUS[c] === status);

const errorFields = (codes: readonly ErrorCode[], status: number | null) => ({
  status: status === null ? Int({ minimum: 400, maximum: 599 }) : Type.Integer({ enum: [status], example: status } as object),
  code: Enum(codes),
  message: Str({ example: 'You need Standard or Admin on RFIs to create an RFI.' }),
  details: Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    additionalProperties: true,
    description: 'What the code needs explained (open: its fields depend on the code): `fields` for validation_failed, `layer`/`have`/`need` for permission_denied, `current_version` for edit_conflict, `injected` for a fault',
  }),
  request_id: Str({ example: '0f2c6a1e9b7d4c3a' }),
});

/** The error answer of API.md, for the codes given (all of one status) or, with `null`, any error. */
export function ErrorBody(codes: readonly ErrorCode[], status: number | null) {
  return Obj({ error: Obj(errorFields(codes, status)) }, { description: 'The error answer of every endpoint (API.md "Errors")' });
}

/** The OAuth endpoints' errors: RFC 6749 `error` and `error_description`, flat beside the usual fields. */
export function OAuthErrorBody(codes: readonly ErrorCode[], status: number | null) {
  return Obj({
    error: Str({ description: 'RFC 6749 error (invalid_request, invalid_grant, invalid_client, unauthorized_client, unsupported_grant_type, …)', example: 'invalid_grant' }),
    error_description: Str({ example: 'The refresh token is invalid, expired or was already used.' }),
    ...errorFields(codes, status),
  });
}

export const ALL_ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];
export { codesOf };
