import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { NameField, OmittableField, VERSION_PROPERTY } from './common-fields';

export class CreateVendorDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, description: 'Unique in the company directory' }) @NameField() name!: string;
  @ApiPropertyOptional({ type: String, maxLength: 255, nullable: true, description: 'The trade (answered as `trade_name`)' }) @IsOptional() @IsString() @MaxLength(255) trade?: string | null;
  @ApiPropertyOptional({ type: String, format: 'email', maxLength: 255, nullable: true }) @IsOptional() @IsEmail() @MaxLength(255) email_address?: string | null;
}

export class UpdateVendorDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional({ type: String, maxLength: 255, nullable: true, description: '`null` clears it' }) @IsOptional() @IsString() @MaxLength(255) trade?: string | null;
  @ApiPropertyOptional({ type: String, format: 'email', maxLength: 255, nullable: true, description: '`null` clears it' }) @IsOptional() @IsEmail() @MaxLength(255) email_address?: string | null;
  @ApiPropertyOptional({ type: Boolean }) @OmittableField() @IsBoolean() is_active?: boolean;
  @ApiPropertyOptional(VERSION_PROPERTY)
  @IsOptional() @IsInt() @Min(1) version?: number;
}
