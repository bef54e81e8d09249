import { applyDecorators } from '@nestjs/common';
import { Matches } from 'class-validator';
import type { FieldError } from './errors';

/** `n` business days (Monday to Friday) after `from`, as YYYY-MM-DD. */
export function addBusinessDays(from: Date, n: number): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  let left = n;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return d.toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` body field. */
export function DateField(): PropertyDecorator {
  return applyDecorators(Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be YYYY-MM-DD' }));
}

/** A due date must be a real calendar date, today (the sandbox's, YYYY-MM-DD) or later. */
export function dueDateError(field: string, value: string | undefined, today: string): FieldError | null {
  if (value === undefined) return null;
  const parsed = new Date(`${value}T00:00:00Z`);
  const real = !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
  return real && value >= today ? null : { field, message: 'must be a valid date, today or later' };
}
