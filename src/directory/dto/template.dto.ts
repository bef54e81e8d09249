import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { NameField, OmittableField } from './common-fields';

export class CreateTemplateDto {
  @ApiProperty() @NameField() name!: string;
  @ApiProperty({ enum: ['company', 'project'] }) @IsIn(['company', 'project']) scope!: 'company' | 'project';
  @ApiPropertyOptional() @IsOptional() @IsBoolean() assignable?: boolean;
  @ApiProperty({ description: 'A level per tool: none, read_only, standard or admin', example: { rfis: 'standard' } })
  @IsObject()
  levels!: Record<string, string>;
  @ApiPropertyOptional({ description: 'Granular keys as tool.key', example: ['rfis.act_as_rfi_manager'] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true })
  granular?: string[];
}

export class CreateProjectTemplateDto {
  @ApiProperty() @NameField() name!: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() assignable?: boolean;
  @ApiProperty({ example: { rfis: 'standard' } }) @IsObject() levels!: Record<string, string>;
  @ApiPropertyOptional() @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true })
  granular?: string[];
}

export class UpdateTemplateDto {
  @ApiPropertyOptional() @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional() @OmittableField() @IsBoolean() assignable?: boolean;
  @ApiPropertyOptional() @OmittableField() @IsObject() levels?: Record<string, string>;
  @ApiPropertyOptional() @OmittableField() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true })
  granular?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
