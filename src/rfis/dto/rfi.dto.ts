import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateField } from '../../common/dates';
import { IdField, MAX_ID, NameField, OmittableField } from '../../directory/dto/common-fields';
import { UploadIdsField } from '../../uploads/upload-ids.field';
import { IMPACT_STATUSES } from '../rfi.entities';

/** How the DTOs' fields describe themselves in the OpenAPI document. */
const ID = { type: 'integer', minimum: 1, maximum: MAX_ID } as const;
const IDS = (max: number, description?: string) => ({ type: 'integer', isArray: true, minimum: 1, maximum: MAX_ID, maxItems: max, description }) as const;
const SUBJECT = { type: String, minLength: 1, maxLength: 255, description: 'Trimmed; not empty' } as const;
const QUESTION = { type: String, maxLength: 20_000 } as const;
const DUE = { type: String, format: 'date', example: '2026-12-31', description: 'Today or later (YYYY-MM-DD); when an RFI opens without one, in the project’s `rfi_due_days` business days' } as const;
export const VERSION = { type: 'integer', minimum: 1, nullable: true, description: 'The version the change is based on (as `If-Match`); a stale one answers 409 edit_conflict' } as const;

export class ImpactDto {
  @ApiProperty({ enum: IMPACT_STATUSES }) @IsIn(IMPACT_STATUSES as unknown as string[]) status!: (typeof IMPACT_STATUSES)[number];
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, description: 'Cost as a decimal string ("1250.00") or days for schedule' })
  @IsOptional() @IsString() @MaxLength(64) value?: string | null;
}

export class CreateRfiDto {
  @ApiProperty(SUBJECT) @NameField() subject!: string;
  @ApiProperty(QUESTION) @IsString() @MaxLength(20_000) question!: string;
  @ApiPropertyOptional({ ...ID, description: 'Required to open the RFI (not a draft)' }) @IsOptional() @IdField() rfi_manager_id?: number;
  @ApiPropertyOptional(IDS(100)) @IsOptional() @IsArray() @ArrayMaxSize(100) @IdField({ each: true }) assignee_ids?: number[];
  @ApiPropertyOptional(IDS(200)) @IsOptional() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional({ ...ID, description: 'Default: the creator' }) @IsOptional() @IdField() received_from_id?: number;
  @ApiPropertyOptional({ type: Boolean, description: 'Default false' }) @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ type: Boolean, description: 'Default true for users who may not open RFIs' }) @IsOptional() @IsBoolean() draft?: boolean;
  @ApiPropertyOptional(DUE) @IsOptional() @DateField() due_date?: string;
  @ApiPropertyOptional({ type: ImpactDto, description: 'Default `{"status": "tbd", "value": null}`' }) @IsOptional() @ValidateNested() @Type(() => ImpactDto) cost_impact?: ImpactDto;
  @ApiPropertyOptional({ type: ImpactDto, description: 'Default `{"status": "tbd", "value": null}`' }) @IsOptional() @ValidateNested() @Type(() => ImpactDto) schedule_impact?: ImpactDto;
}

/** Fields left out are kept; `null` clears `rfi_manager_id` only (the others cannot be empty). */
export class UpdateRfiDto {
  @ApiPropertyOptional(SUBJECT) @OmittableField() @NameField() subject?: string;
  @ApiPropertyOptional(QUESTION) @OmittableField() @IsString() @MaxLength(20_000) question?: string;
  @ApiPropertyOptional({ ...ID, nullable: true, description: '`null` clears it' }) @IsOptional() @IdField() rfi_manager_id?: number | null;
  @ApiPropertyOptional(IDS(100, 'Replaces the assignees')) @OmittableField() @IsArray() @ArrayMaxSize(100) @IdField({ each: true }) assignee_ids?: number[];
  @ApiPropertyOptional(IDS(200, 'Replaces the distribution')) @OmittableField() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional({ type: Boolean }) @OmittableField() @IsBoolean() private?: boolean;
  @ApiPropertyOptional(DUE) @OmittableField() @DateField() due_date?: string;
  @ApiPropertyOptional({ type: ImpactDto }) @OmittableField() @ValidateNested() @Type(() => ImpactDto) cost_impact?: ImpactDto;
  @ApiPropertyOptional({ type: ImpactDto }) @OmittableField() @ValidateNested() @Type(() => ImpactDto) schedule_impact?: ImpactDto;
  @ApiPropertyOptional(VERSION) @IsOptional() @IsInt() @Min(1) version?: number;
}
