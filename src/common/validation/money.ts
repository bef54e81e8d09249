import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Validate, ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

/** Amounts are below 10^13 (numeric(15,2)). */
export const MAX_AMOUNT = '9999999999999.99';
const DECIMAL = /^-?\d{1,13}(\.\d{1,2})?$/;

export type MoneySign = 'any' | 'non_negative' | 'positive';

/** The first thing wrong with an amount, or null: a decimal string, at most two places, below 10^13, of the sign the field allows. */
export function moneyError(value: unknown, sign: MoneySign): string | null {
  if (typeof value !== 'string') return 'must be a decimal string such as "1250.00"';
  if (!/^-?\d+(\.\d+)?$/.test(value)) return 'must be a decimal number such as "1250.00"';
  if (/\.\d{3,}$/.test(value)) return 'must have at most 2 decimal places';
  if (!DECIMAL.test(value)) return `must be below 10^13 (at most ${MAX_AMOUNT})`;
  if (sign !== 'any' && value.startsWith('-') && Number(value) !== 0) return 'must not be negative';
  if (sign === 'positive' && Number(value) === 0) return 'must be more than 0';
  return null;
}

@ValidatorConstraint({ name: 'money' })
class MoneyRule implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return moneyError(value, args.constraints[0] as MoneySign) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} ${moneyError(args.value, args.constraints[0] as MoneySign)}`;
  }
}

const SIGN_TEXT: Record<MoneySign, string> = { any: '', non_negative: ', not negative', positive: ', more than 0' };

/** A money field of a request body: a decimal string with at most two places, below 10^13. */
export function MoneyField(options: { sign?: MoneySign; optional?: boolean; description?: string } = {}): PropertyDecorator {
  const sign = options.sign ?? 'any';
  const doc = {
    type: String,
    pattern: sign === 'any' ? '^-?\\d{1,13}(\\.\\d{1,2})?$' : '^\\d{1,13}(\\.\\d{1,2})?$',
    example: '1250.00',
    description: `${options.description ?? 'An amount'}: a decimal string, at most 2 decimal places, below 10^13${SIGN_TEXT[sign]}`,
  };
  return applyDecorators(
    ...(options.optional ? [ApiPropertyOptional(doc), IsOptional()] : [ApiProperty(doc)]),
    Validate(MoneyRule, [sign]),
  );
}
