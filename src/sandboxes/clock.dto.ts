import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsPositive, Max } from 'class-validator';

/** The longest one advance may move a sandbox clock: a year. */
export const MAX_ADVANCE_SECONDS = 31_536_000;

export class AdvanceClockDto {
  @ApiProperty({ description: `Seconds to move the sandbox clock forward: more than 0, at most ${MAX_ADVANCE_SECONDS} (a year); fractions allowed`, example: 172800, minimum: 0, exclusiveMinimum: true, maximum: MAX_ADVANCE_SECONDS })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'seconds must be a number' })
  @IsPositive({ message: 'seconds must be more than 0' })
  @Max(MAX_ADVANCE_SECONDS, { message: `seconds must be at most ${MAX_ADVANCE_SECONDS} (a year)` })
  seconds!: number;
}

/** Freeze and resume take no fields. */
export class ClockActionDto {}

export class ClockDto {
  @ApiProperty({ description: 'Now in the sandbox (ISO 8601 UTC)', example: '2025-03-04T09:30:00.000Z' }) now!: string;
  @ApiProperty({ description: 'Whether time stands still in the sandbox' }) frozen!: boolean;
  @ApiProperty({ description: 'Sandbox time minus real time, in seconds (ms precision)', example: 172800 }) offset_seconds!: number;
}

export class RanJobDto {
  @ApiProperty() id!: string;
  @ApiProperty() queue!: string;
  @ApiProperty({ example: 'webhooks.deliver' }) name!: string;
  @ApiProperty({ description: 'When the attempt was due, in sandbox time' }) due_at!: string;
  @ApiProperty({ description: 'After the attempt: completed, failed, or delayed (its retry is due later)' }) state!: string;
  @ApiProperty() attempts_made!: number;
}

export class AdvancedClockDto extends ClockDto {
  @ApiProperty({ type: [RanJobDto], description: 'The delayed jobs of the sandbox whose time came, one entry per attempt, in due order' })
  jobs_run!: RanJobDto[];
}
