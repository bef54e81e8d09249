import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateField } from '../../common/dates';
import { IdField, NameField } from '../../directory/dto/common-fields';
import { UploadIdsField } from '../../uploads/upload-ids.field';
import { IMPACT_STATUSES } from '../rfi.entities';

export class ImpactDto {
  @ApiProperty({ enum: IMPACT_STATUSES }) @IsIn(IMPACT_STATUSES as unknown as string[]) status!: (typeof IMPACT_STATUSES)[number];
  @ApiPropertyOptional({ description: 'Cost as a decimal string ("1250.00") or days for schedule' })
  @IsOptional() @IsString() @MaxLength(64) value?: string | null;
}

export class CreateRfiDto {
  @ApiProperty() @NameField() subject!: string;
  @ApiProperty() @IsString() @MaxLength(20_000) question!: string;
  @ApiPropertyOptional() @IsOptional() @IdField() rfi_manager_id?: number;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IdField({ each: true }) assignee_ids?: number[];
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional() @IsOptional() @IdField() received_from_id?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ description: 'Default true for users who may not open RFIs' }) @IsOptional() @IsBoolean() draft?: boolean;
  @ApiPropertyOptional({ example: '2026-12-31' }) @IsOptional() @DateField() due_date?: string;
  @ApiPropertyOptional({ type: ImpactDto }) @IsOptional() @ValidateNested() @Type(() => ImpactDto) cost_impact?: ImpactDto;
  @ApiPropertyOptional({ type: ImpactDto }) @IsOptional() @ValidateNested() @Type(() => ImpactDto) schedule_impact?: ImpactDto;
}

export class UpdateRfiDto {
  @ApiPropertyOptional() @IsOptional() @NameField() subject?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) question?: string;
  @ApiPropertyOptional() @IsOptional() @IdField() rfi_manager_id?: number;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IdField({ each: true }) assignee_ids?: number[];
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsArray() @ArrayMaxSize(200) @IdField({ each: true }) distribution_ids?: number[];
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional() @IsOptional() @DateField() due_date?: string;
  @ApiPropertyOptional({ type: ImpactDto }) @IsOptional() @ValidateNested() @Type(() => ImpactDto) cost_impact?: ImpactDto;
  @ApiPropertyOptional({ type: ImpactDto }) @IsOptional() @ValidateNested() @Type(() => ImpactDto) schedule_impact?: ImpactDto;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
