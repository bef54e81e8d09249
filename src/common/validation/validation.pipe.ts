import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppError, FieldError } from '../errors';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];

/**
 * Keys that class-transformer cannot copy onto a plain object (they name
 * Object.prototype members): it drops them silently, or throws on `constructor`.
 * No field, tool or setting of the API is called this.
 */
const RESERVED_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** No body of the API nests this deep; class-transformer would overflow the stack on a much deeper one. */
const MAX_DEPTH = 32;

/**
 * Finds what cannot be read or stored as sent, before the DTO sees it: reserved
 * keys (anywhere in the body), NUL characters, which PostgreSQL text refuses,
 * and nesting deeper than MAX_DEPTH.
 */
function unstorable(value: unknown, path: string, out: FieldError[], depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ field: path || '(body)', message: 'must not contain NUL (\\u0000) characters' });
    return;
  }
  if (!value || typeof value !== 'object') return;
  if (depth >= MAX_DEPTH) {
    out.push({ field: path, message: `is nested too deeply (at most ${MAX_DEPTH} levels)` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => unstorable(item, `${path}[${i}]`, out, depth + 1));
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const field = path ? `${path}.${key}` : key;
    if (RESERVED_KEYS.has(key) || key.includes('\u0000')) out.push({ field, message: 'is not a known field' });
    else unstorable(item, field, out, depth + 1);
  }
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [constraint, text] of Object.entries(error.constraints ?? {})) {
      out.push({ field, message: constraint === 'whitelistValidation' ? 'is not a known field' : text });
    }
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

/**
 * Validates bodies (and any DTO-typed argument) against their class: unknown
 * fields, wrong types and out-of-range values answer 422 `validation_failed`
 * with one entry per field.
 */
@Injectable()
export class StrictValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype;
    if (metadata.type !== 'body' || !type || PRIMITIVES.includes(type)) return value;
    const input = value === undefined || value === null ? {} : value;
    if (typeof input !== 'object' || Array.isArray(input)) {
      throw AppError.validation([{ field: '(body)', message: 'must be a JSON object' }], 'The request body must be a JSON object.');
    }
    const unsafe: FieldError[] = [];
    unstorable(input, '', unsafe);
    if (unsafe.length > 0) {
      throw AppError.validation(unsafe, `Invalid fields: ${[...new Set(unsafe.map((f) => f.field))].join(', ')}.`);
    }
    const instance = plainToInstance(type as new () => object, input, { enableImplicitConversion: false });
    const errors = validateSync(instance, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
    });
    if (errors.length > 0) {
      const fields = flatten(errors);
      throw AppError.validation(fields, `Invalid fields: ${[...new Set(fields.map((f) => f.field))].join(', ')}.`);
    }
    return instance;
  }
}
