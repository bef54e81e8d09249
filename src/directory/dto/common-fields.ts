import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** A required, trimmed, non-empty name of at most `max` characters. */
export function NameField(max = 255): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsNotEmpty({ message: '$property must not be empty' }),
    MaxLength(max),
  );
}

/** The largest id of a row (id columns are PostgreSQL `integer`). */
export const MAX_ID = 2_147_483_647;

/** A reference to a row: a positive integer in the range of the id columns (`each` for a list of them). */
export function IdField(options: { each?: boolean } = {}): PropertyDecorator {
  return applyDecorators(IsInt(options), Min(1, options), Max(MAX_ID, options));
}

/**
 * An edit field that may be left out but not cleared: `null` is validated (and
 * refused) like any other value, because its column cannot be empty. Use
 * `IsOptional` instead where `null` clears the field.
 */
export function OmittableField(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** How an `IdField` describes itself in the OpenAPI document. */
export const ID_PROPERTY = { type: Number, format: 'int32', minimum: 1, maximum: MAX_ID } as const;

/** How the optional `version` of an edit describes itself (`null` is the same as leaving it out). */
export const VERSION_PROPERTY = {
  type: Number,
  format: 'int32',
  minimum: 1,
  nullable: true,
  description: 'The version the change is based on (as `If-Match`); a stale one answers 409 edit_conflict',
} as const;
