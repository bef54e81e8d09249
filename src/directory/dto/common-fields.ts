import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** A required, trimmed, non-empty name of at most `max` characters. */
export function NameField(max = 255): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsNotEmpty({ message: '$property must not be empty' }),
    MaxLength(max),
  );
}
