import { ApiProperty } from '@nestjs/swagger';
import { Validate, ValidatorConstraint, ValidatorConstraintInterface, ValidationArguments } from 'class-validator';

/** The longest one advance may move a sandbox clock: a year. */
export const MAX_ADVANCE_SECONDS = 31_536_000;

/** One message for `seconds`, the first thing wrong with it. */
@ValidatorConstraint({ name: 'advanceSeconds' })
class AdvanceSeconds implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_ADVANCE_SECONDS;
  }

  defaultMessage(args: ValidationArguments): string {
    const value = args.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'seconds must be a number of seconds, such as 172800 for two days';
    if (value <= 0) return 'seconds must be more than 0: the clock only moves forward (reset the sandbox to go back to real time)';
    return `seconds must be at most ${MAX_ADVANCE_SECONDS} (a year)`;
  }
}

export class AdvanceClockDto {
  @ApiProperty({ type: Number, description: `Seconds to move the sandbox clock forward: more than 0, at most ${MAX_ADVANCE_SECONDS} (a year); fractions allowed`, example: 172800, minimum: 0, exclusiveMinimum: true, maximum: MAX_ADVANCE_SECONDS })
  @Validate(AdvanceSeconds)
  seconds!: number;
}
