import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { NameField, OmittableField } from '../../directory/dto/common-fields';
import { VERSION } from '../../rfis/dto/rfi.dto';

const TITLE = { type: String, minLength: 1, maxLength: 255, description: 'Trimmed; not empty' } as const;
const TEXT = { type: String, maxLength: 20_000 } as const;

export class CreatePackageDto {
  @ApiProperty(TITLE) @NameField() title!: string;
  @ApiPropertyOptional(TEXT) @IsOptional() @IsString() @MaxLength(20_000) description?: string;
}

export class UpdatePackageDto {
  @ApiPropertyOptional(TITLE) @OmittableField() @NameField() title?: string;
  @ApiPropertyOptional(TEXT) @OmittableField() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional(VERSION) @IsOptional() @IsInt() @Min(1) version?: number;
}
