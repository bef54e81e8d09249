import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsPositive, Max } from 'class-validator';

/** The longest one advance may move a sandbox clock: a year. */
export const MAX_ADVANCE_SECONDS = 31_536_000;

export class AdvanceClockDto {
  @ApiProperty({ description: `Seconds to move the sandbox clock forward: more than 0, at most ${MAX_ADVANCE_SECONDS} (a year); fractions allowed`, type: Number, example: 172800, minimum: 0, exclusiveMinimum: true, maximum: MAX_ADVANCE_SECONDS })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'seconds must be a number' })
  @IsPositive({ message: 'seconds must be more than 0' })
  @Max(MAX_ADVANCE_SECONDS, { message: `seconds must be at most ${MAX_ADVANCE_SECONDS} (a year)` })
  seconds!: number;
}
