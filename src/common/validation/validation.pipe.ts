import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppError, FieldError } from '../errors';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];

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
