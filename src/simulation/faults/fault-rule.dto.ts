import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IdField } from '../../directory/dto/common-fields';

export const EFFECTS = ['fail', 'delay', 'stall', 'drop', 'http_error'] as const;
export type Effect = (typeof EFFECTS)[number];

export class CreateFaultRuleDto {
  @ApiProperty({ enum: ['job', 'http'] }) @IsIn(['job', 'http']) target!: 'job' | 'http';
  @ApiPropertyOptional({ description: 'job: the queue (budget, sync, uploads, webhooks)' })
  @IsOptional() @IsIn(['budget', 'sync', 'uploads', 'webhooks']) queue?: string;
  @ApiPropertyOptional({ description: 'job: the job name, e.g. webhooks.deliver' }) @IsOptional() @IsString() @MaxLength(64) job_name?: string;
  @ApiPropertyOptional({ description: 'http: a route pattern (/rest/v1.0/projects/:project_id/users) or a path prefix ending in *' })
  @IsOptional() @IsString() @MaxLength(500) route?: string;
  @ApiPropertyOptional({ description: 'http: GET, POST, PATCH or DELETE' }) @IsOptional() @IsIn(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) method?: string;
  @ApiPropertyOptional() @IsOptional() @IdField() project_id?: number;
  @ApiPropertyOptional() @IsOptional() @IdField() user_id?: number;
  @ApiPropertyOptional({ description: 'The sandbox the rule is for (implied by a sandbox token, project_id or user_id)' })
  @IsOptional() @IdField() sandbox_id?: number;
  @ApiProperty({ enum: EFFECTS }) @IsIn(EFFECTS as unknown as string[]) effect!: Effect;
  @ApiPropertyOptional({ description: 'http_error: the status to answer (400–599)' }) @IsOptional() @IsInt() @Min(400) @Max(599) status?: number;
  @ApiPropertyOptional({ description: 'delay and stall: milliseconds (0–600000)' }) @IsOptional() @IsInt() @Min(0) @Max(600_000) delay_ms?: number;
  @ApiProperty({ description: 'Chance that a matching job or request is hit, 0–1' }) @IsNumber() @Min(0) @Max(1) probability!: number;
  @ApiPropertyOptional({ description: 'Hit at most this many times' }) @IsOptional() @IsInt() @Min(1) @Max(1_000_000) count?: number;
  @ApiPropertyOptional({ description: 'Seed of the rule’s draws (same seed, same hits)' }) @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647) seed?: number;
  @ApiPropertyOptional({ description: 'The rule expires after this many seconds' }) @IsOptional() @IsInt() @Min(1) @Max(7 * 86400) expires_in_seconds?: number;
}
