import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { NameField, OmittableField, VERSION_PROPERTY } from '../../directory/dto/common-fields';

const RFI_DUE_DAYS = { type: Number, format: 'int32', minimum: 1, maximum: 365, nullable: true } as const;

export class CreateProjectDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255 }) @NameField() name!: string;
  @ApiPropertyOptional({ type: String, maxLength: 64, nullable: true }) @IsOptional() @IsString() @MaxLength(64) project_number?: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true }) @IsOptional() @IsString() @MaxLength(500) address?: string | null;
  @ApiPropertyOptional({ ...RFI_DUE_DAYS, description: 'Default RFI due date in business days (default 7)' })
  @IsOptional() @IsInt() @Min(1) @Max(365) rfi_due_days?: number | null;
}

export class UpdateProjectDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional({ type: String, maxLength: 64, nullable: true, description: '`null` clears it' }) @IsOptional() @IsString() @MaxLength(64) project_number?: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true, description: '`null` clears it' }) @IsOptional() @IsString() @MaxLength(500) address?: string | null;
  @ApiPropertyOptional({ type: Boolean }) @OmittableField() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ ...RFI_DUE_DAYS, description: 'Default RFI due date in business days; `null` restores the default (7)' })
  @IsOptional() @IsInt() @Min(1) @Max(365) rfi_due_days?: number | null;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}
