import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class StartDrillDto {
  @ApiProperty({ type: String, maxLength: 64, description: 'A scenario key from `GET /_sim/training/scenarios`', example: 'budget_change_order_pending' })
  @IsString() @MaxLength(64) @Matches(/^[a-z0-9_]+$/, { message: 'scenario must be a scenario key (lower case letters, digits and _)' })
  scenario!: string;
}
