import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { NameField, OmittableField } from '../../directory/dto/common-fields';

export class CreateProjectDto {
  @ApiProperty() @NameField() name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) project_number?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) address?: string;
  @ApiPropertyOptional({ description: 'Default RFI due date in business days' })
  @IsOptional() @IsInt() @Min(1) @Max(365) rfi_due_days?: number;
}

export class UpdateProjectDto {
  @ApiPropertyOptional() @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) project_number?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) address?: string;
  @ApiPropertyOptional() @OmittableField() @IsBoolean() active?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(365) rfi_due_days?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
