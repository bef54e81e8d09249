import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { CAUSE_KEYS } from '../diagnose/causes';

export class ArmChallengeDto {
  @ApiProperty({ type: String, maxLength: 64, description: 'The scenario whose cause is armed (a key of `GET /_sim/scenarios`)', example: 'budget_change_order_pending' })
  @IsString() @MaxLength(64) @Matches(/^[a-z0-9_]+$/, { message: 'scenario must be a scenario key (lower case letters, digits and _)' })
  scenario!: string;
}

export class AnswerChallengeDto {
  @ApiProperty({ enum: CAUSE_KEYS, description: 'The cause the trainee names (a cause key of SCENARIOS.md)', example: 'change_order_not_approved' })
  @IsIn(CAUSE_KEYS, { message: 'cause must be one of the cause keys of SCENARIOS.md' })
  cause!: string;
}
