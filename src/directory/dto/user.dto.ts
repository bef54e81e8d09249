import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { IdField, NameField, OmittableField } from './common-fields';

export class CreateUserDto {
  @ApiProperty() @NameField() name!: string;
  @ApiProperty() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(255) email!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) job_title?: string;
  @ApiPropertyOptional({ description: 'Employer in the company directory' }) @IsOptional() @IdField() vendor_id?: number;
  @ApiPropertyOptional({ description: 'Company permission template' }) @IsOptional() @IdField() permission_template_id?: number;
  @ApiPropertyOptional({ description: 'Sign-in password (8-200 characters)' })
  @IsOptional() @IsString() @MinLength(8) @MaxLength(200) password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional() @OmittableField() @IsEmail() @MaxLength(255) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) job_title?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IdField() vendor_id?: number | null;
  @ApiPropertyOptional() @IsOptional() @IdField() permission_template_id?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(8) @MaxLength(200) password?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}

export class SetPrivilegesDto {
  @ApiProperty() @IsBoolean() accounting_approver!: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}

export class VersionOnlyDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
