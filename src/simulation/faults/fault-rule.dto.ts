import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IdField, MAX_ID } from '../../directory/dto/common-fields';
import { JOB_NAMES } from '../../queues/job-types';
import { QUEUE_NAMES } from '../../queues/queue-names';

export const EFFECTS = ['fail', 'delay', 'stall', 'drop', 'http_error'] as const;
export type Effect = (typeof EFFECTS)[number];
export const HTTP_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

const id = (description: string) => ({ type: 'integer', minimum: 1, maximum: MAX_ID, description }) as const;

export class CreateFaultRuleDto {
  @ApiProperty({ enum: ['job', 'http'], description: '`job`: jobs on the queues; `http`: authenticated platform requests' })
  @IsIn(['job', 'http']) target!: 'job' | 'http';
  @ApiPropertyOptional({ enum: QUEUE_NAMES, description: 'job: the queue (implied by `job_name`)' })
  @IsOptional() @IsIn(QUEUE_NAMES) queue?: string;
  @ApiPropertyOptional({ enum: JOB_NAMES, description: 'job: the job name' })
  @IsOptional() @IsString() @MaxLength(64) job_name?: string;
  @ApiPropertyOptional({ type: String, maxLength: 500, description: 'http: a route pattern (/rest/v1.0/projects/:project_id/users) or a path prefix ending in *' })
  @IsOptional() @IsString() @MaxLength(500) route?: string;
  @ApiPropertyOptional({ enum: HTTP_METHODS, description: 'http: the method' })
  @IsOptional() @IsIn(HTTP_METHODS) method?: string;
  @ApiPropertyOptional(id('Only jobs or requests of this project (a project of the sandbox)'))
  @IsOptional() @IdField() project_id?: number;
  @ApiPropertyOptional(id('http: only requests of this user (a user of the sandbox)'))
  @IsOptional() @IdField() user_id?: number;
  @ApiPropertyOptional(id('The sandbox the rule is for (implied by a sandbox token, project_id or user_id)'))
  @IsOptional() @IdField() sandbox_id?: number;
  @ApiProperty({ enum: EFFECTS, description: 'job rules: fail, delay, stall or drop; http rules: http_error or delay' })
  @IsIn(EFFECTS) effect!: Effect;
  @ApiPropertyOptional({ type: 'integer', minimum: 400, maximum: 599, description: 'http_error (required there): the status to answer' })
  @IsOptional() @IsInt() @Min(400) @Max(599) status?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 600_000, description: 'delay and stall (required there): milliseconds' })
  @IsOptional() @IsInt() @Min(0) @Max(600_000) delay_ms?: number;
  @ApiProperty({ type: Number, minimum: 0, maximum: 1, description: 'Chance that a matching job or request is hit' })
  @IsNumber() @Min(0) @Max(1) probability!: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000, description: 'Hit at most this many times' })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) count?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2_147_483_647, description: 'Seed of the rule’s draws (same seed, same hits); default: the sandbox’s seed' })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647) seed?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 7 * 86400, description: 'The rule expires after this many seconds' })
  @IsOptional() @IsInt() @Min(1) @Max(7 * 86400) expires_in_seconds?: number;
}
