import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateField } from '../../common/dates';
import { IdField, NameField } from '../../directory/dto/common-fields';
import { UploadIdsField } from '../../uploads/upload-ids.field';

export class ApproverDto {
  @ApiProperty() @IdField() user_id!: number;
  @ApiPropertyOptional({ description: 'Default true; the step completes when every required approver has submitted' })
  @IsOptional() @IsBoolean() required?: boolean;
}

export class WorkflowStepDto {
  @ApiProperty({ type: [ApproverDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => ApproverDto)
  approvers!: ApproverDto[];
}

const WORKFLOW_DOC = 'Steps in order, each with its approvers; court moves step by step';

export class CreateSubmittalDto {
  @ApiProperty() @NameField() title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional() @IsOptional() @IdField() submittal_manager_id?: number;
  @ApiPropertyOptional({ description: 'Default true when the creator works for another company than the project owner (a subcontractor)' })
  @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional() @IsOptional() @IdField() package_id?: number;
  @ApiPropertyOptional({ example: '2026-12-31' }) @IsOptional() @DateField() due_date?: string;
  @ApiPropertyOptional() @IsOptional() @IdField() received_from_id?: number;
  @ApiPropertyOptional({ description: 'A vendor of the company directory' }) @IsOptional() @IdField() responsible_contractor_id?: number;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional({ type: [WorkflowStepDto], description: WORKFLOW_DOC })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => WorkflowStepDto)
  workflow?: WorkflowStepDto[];
}

export class UpdateSubmittalDto {
  @ApiPropertyOptional() @IsOptional() @NameField() title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional() @IsOptional() @IdField() submittal_manager_id?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional() @IsOptional() @IdField() package_id?: number;
  @ApiPropertyOptional() @IsOptional() @DateField() due_date?: string;
  @ApiPropertyOptional() @IsOptional() @IdField() received_from_id?: number;
  @ApiPropertyOptional() @IsOptional() @IdField() responsible_contractor_id?: number;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional({ type: [WorkflowStepDto], description: `${WORKFLOW_DOC}; replaceable while the submittal is a draft` })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => WorkflowStepDto)
  workflow?: WorkflowStepDto[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}

export class DistributeDto {
  @ApiPropertyOptional({ type: [Number], description: 'Added to the distribution list before it is sent' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) message?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
