import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { ID_PROPERTY, IdField, NameField, OmittableField, VERSION_PROPERTY } from '../../directory/dto/common-fields';

/** A sheet number as a title block prints it: letters, digits, `-` and `.`. */
const NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.\- ]{0,63}$/;
const NUMBER = { type: String, minLength: 1, maxLength: 64, pattern: NUMBER_PATTERN.source, example: 'A-101' } as const;
const TITLE = { type: String, minLength: 1, maxLength: 255, example: 'First floor plan' } as const;

export class CreateDrawingAreaDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Building A' }) @NameField() name!: string;
}

export class UpdateDrawingAreaDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class CreateDrawingSetDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Issued for construction' }) @NameField() name!: string;
}

/** A drawing upload's fields; its PDF is the part `file` of the form (or one `upload_ids` entry of a drawing upload). */
export class CreateDrawingUploadDto {
  @ApiPropertyOptional({ ...ID_PROPERTY, description: 'The area its drawings go in (none: the project without area)' }) @IsOptional() @IdField() drawing_area_id?: number;
  @ApiPropertyOptional({ type: [Number], maxItems: 1, description: 'A drawing upload of yours (a PDF sent with the form lands here)' }) @IsOptional() @IsArray() @ArrayMaxSize(1) @IdField({ each: true }) upload_ids?: number[];
}

export class PublishSheetDto {
  @ApiProperty({ ...ID_PROPERTY, description: 'A sheet of this upload (`sheets[].id`)' }) @IdField() id!: number;
  @ApiPropertyOptional({ ...NUMBER, description: 'The sheet number to publish it under (default: the one read from the page)' })
  @IsOptional()
  @IsString()
  @Matches(NUMBER_PATTERN, { message: 'must be 1-64 letters, digits, spaces, - and .' })
  number?: string;
  @ApiPropertyOptional({ ...TITLE, description: 'Default: the title read from the page (else its number)' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(255) title?: string;
}

export class PublishDrawingUploadDto {
  @ApiPropertyOptional({ ...ID_PROPERTY, description: 'An existing set of the project to publish into' }) @IsOptional() @IdField() drawing_set_id?: number;
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255, description: 'A new set of this name (default, without `drawing_set_id`: a set named after the file)' })
  @IsOptional()
  @NameField()
  set_name?: string;
  @ApiPropertyOptional({ type: [PublishSheetDto], minItems: 1, maxItems: 2000, description: 'Numbers and titles as the reviewer confirms them; sheets not listed are published as read' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => PublishSheetDto)
  sheets?: PublishSheetDto[];
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}
