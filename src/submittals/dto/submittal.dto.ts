import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateField } from '../../common/dates';
import { IdField, MAX_ID, NameField, OmittableField } from '../../directory/dto/common-fields';
import { UploadIdsField } from '../../uploads/upload-ids.field';
import { VERSION } from '../../rfis/dto/rfi.dto';

/** How the DTOs' fields describe themselves in the OpenAPI document. */
const ID = { type: 'integer', minimum: 1, maximum: MAX_ID } as const;
const IDS = (max: number, description?: string) => ({ type: 'integer', isArray: true, minimum: 1, maximum: MAX_ID, maxItems: max, description }) as const;
const TITLE = { type: String, minLength: 1, maxLength: 255, description: 'Trimmed; not empty' } as const;
const TEXT = { type: String, maxLength: 20_000 } as const;
const DUE = { type: String, format: 'date', example: '2026-12-31', description: 'Today or later (YYYY-MM-DD)' } as const;

export class ApproverDto {
  @ApiProperty(ID) @IdField() user_id!: number;
  @ApiPropertyOptional({ type: Boolean, description: 'Default true; the step completes when every required approver has submitted' })
  @IsOptional() @IsBoolean() required?: boolean;
}

export class WorkflowStepDto {
  @ApiProperty({ type: [ApproverDto], minItems: 1, maxItems: 100 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => ApproverDto)
  approvers!: ApproverDto[];
}

const WORKFLOW_DOC = 'Steps in order, each with its approvers (each approver once per step); court moves step by step';

export class CreateSubmittalDto {
  @ApiProperty(TITLE) @NameField() title!: string;
  @ApiPropertyOptional(TEXT) @IsOptional() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional({ ...ID, description: 'Required to submit' }) @IsOptional() @IdField() submittal_manager_id?: number;
  @ApiPropertyOptional({ type: Boolean, description: 'Default true when the creator works for another company than the project owner (a subcontractor)' })
  @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ ...ID, description: 'A submittal package of this project' }) @IsOptional() @IdField() package_id?: number;
  @ApiPropertyOptional(DUE) @IsOptional() @DateField() due_date?: string;
  @ApiPropertyOptional({ ...ID, description: 'Default: the creator' }) @IsOptional() @IdField() received_from_id?: number;
  @ApiPropertyOptional({ ...ID, description: 'A vendor of the company directory (default: a subcontractor creator’s own)' }) @IsOptional() @IdField() responsible_contractor_id?: number;
  @ApiPropertyOptional(IDS(200)) @IsOptional() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional({ type: [WorkflowStepDto], maxItems: 20, description: WORKFLOW_DOC })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => WorkflowStepDto)
  workflow?: WorkflowStepDto[];
}

/** Fields left out are kept; `null` clears `submittal_manager_id` and `received_from_id` only (the others cannot be empty). */
export class UpdateSubmittalDto {
  @ApiPropertyOptional(TITLE) @OmittableField() @NameField() title?: string;
  @ApiPropertyOptional(TEXT) @OmittableField() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional({ ...ID, nullable: true, description: '`null` clears it' }) @IsOptional() @IdField() submittal_manager_id?: number | null;
  @ApiPropertyOptional({ type: Boolean }) @OmittableField() @IsBoolean() private?: boolean;
  @ApiPropertyOptional(ID) @OmittableField() @IdField() package_id?: number;
  @ApiPropertyOptional(DUE) @OmittableField() @DateField() due_date?: string;
  @ApiPropertyOptional({ ...ID, nullable: true, description: '`null` clears it' }) @IsOptional() @IdField() received_from_id?: number | null;
  @ApiPropertyOptional(ID) @OmittableField() @IdField() responsible_contractor_id?: number;
  @ApiPropertyOptional(IDS(200, 'Replaces the distribution')) @OmittableField() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional({ type: [WorkflowStepDto], maxItems: 20, description: `${WORKFLOW_DOC}; replaceable while the submittal is a draft` })
  @OmittableField() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => WorkflowStepDto)
  workflow?: WorkflowStepDto[];
  @ApiPropertyOptional(VERSION) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class DistributeDto {
  @ApiPropertyOptional(IDS(200, 'Added to the distribution list before it is sent'))
  @IsOptional() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @ApiPropertyOptional({ ...TEXT, description: 'A note to the distribution, as the reference platform takes it; accepted, not kept' })
  @IsOptional() @IsString() @MaxLength(20_000) message?: string;
  @ApiPropertyOptional(VERSION) @IsOptional() @IsInt() @Min(1) version?: number;
}
