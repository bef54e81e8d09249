import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { NameField, OmittableField } from './common-fields';

export class CreateVendorDto {
  @ApiProperty() @NameField() name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) trade?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(255) email_address?: string;
}

export class UpdateVendorDto {
  @ApiPropertyOptional() @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) trade?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(255) email_address?: string;
  @ApiPropertyOptional() @OmittableField() @IsBoolean() is_active?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
