import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { LEVELS } from '../../permissions/permission.types';
import { NameField, OmittableField, VERSION_PROPERTY } from './common-fields';

const NAME = { type: String, minLength: 1, maxLength: 255, description: 'Unique among the templates of its scope' } as const;
const LEVELS_DESCRIPTION =
  'A level per tool, keyed by tool name (company templates: company_directory, company_admin; project templates: the project tools of `GET .../tools`); a tool left out is none. An unknown tool or level answers 422 naming `levels.<tool>`.';
const LEVELS_PROPERTY: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: { type: 'string', enum: [...LEVELS] },
  description: LEVELS_DESCRIPTION,
  example: { rfis: 'standard', submittals: 'read_only' },
};
const GRANULAR_DESCRIPTION = 'Granular permissions as `tool.key`, of tools in the template’s scope (repeats are dropped)';
const GRANULAR_PROPERTY: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'string', maxLength: 100 },
  maxItems: 100,
  description: GRANULAR_DESCRIPTION,
  example: ['rfis.act_as_rfi_manager'],
};

export class CreateTemplateDto {
  @ApiProperty(NAME) @NameField() name!: string;
  @ApiProperty({ enum: ['company', 'project'], description: 'Company templates are held in the company directory, project templates on a project' })
  @IsIn(['company', 'project']) scope!: 'company' | 'project';
  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'Default true' }) @IsOptional() @IsBoolean() assignable?: boolean | null;
  @ApiProperty(LEVELS_PROPERTY) @IsObject() levels!: Record<string, string>;
  @ApiPropertyOptional({ ...GRANULAR_PROPERTY, nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true })
  granular?: string[] | null;
}

export class CreateProjectTemplateDto {
  @ApiProperty(NAME) @NameField() name!: string;
  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'Default true' }) @IsOptional() @IsBoolean() assignable?: boolean | null;
  @ApiProperty(LEVELS_PROPERTY) @IsObject() levels!: Record<string, string>;
  @ApiPropertyOptional({ ...GRANULAR_PROPERTY, nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true })
  granular?: string[] | null;
}

export class UpdateTemplateDto {
  @ApiPropertyOptional(NAME) @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional({ type: Boolean }) @OmittableField() @IsBoolean() assignable?: boolean;
  @ApiPropertyOptional({ ...LEVELS_PROPERTY, description: `${LEVELS_DESCRIPTION} Replaces all the levels; the change applies to everyone holding the template on their next request.` })
  @OmittableField() @IsObject() levels?: Record<string, string>;
  @ApiPropertyOptional({ ...GRANULAR_PROPERTY, description: `${GRANULAR_DESCRIPTION}; replaces the list` })
  @OmittableField() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true })
  granular?: string[];
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}
