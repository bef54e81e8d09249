import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { ID_PROPERTY, IdField, NameField, OmittableField, VERSION_PROPERTY } from './common-fields';

export class CreateUserDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255 }) @NameField() name!: string;
  @ApiProperty({ type: String, format: 'email', maxLength: 255, description: 'Also the sign-in login; stored lower-case' })
  @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(255) email!: string;
  @ApiPropertyOptional({ type: String, maxLength: 255, nullable: true }) @IsOptional() @IsString() @MaxLength(255) job_title?: string | null;
  @ApiPropertyOptional({ ...ID_PROPERTY, nullable: true, description: 'Employer in the company directory' }) @IsOptional() @IdField() vendor_id?: number | null;
  @ApiPropertyOptional({ ...ID_PROPERTY, nullable: true, description: 'Company permission template' }) @IsOptional() @IdField() permission_template_id?: number | null;
  @ApiPropertyOptional({ type: String, minLength: 8, maxLength: 200, nullable: true, description: 'Sign-in password (8-200 characters); without one the user cannot sign in with a password' })
  @IsOptional() @IsString() @MinLength(8) @MaxLength(200) password?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional({ type: String, format: 'email', maxLength: 255 }) @OmittableField() @IsEmail() @MaxLength(255) email?: string;
  @ApiPropertyOptional({ type: String, maxLength: 255, nullable: true, description: '`null` clears it' }) @IsOptional() @IsString() @MaxLength(255) job_title?: string | null;
  @ApiPropertyOptional({ ...ID_PROPERTY, nullable: true, description: 'Employer in the company directory; `null` clears it' }) @IsOptional() @IdField() vendor_id?: number | null;
  @ApiPropertyOptional({ ...ID_PROPERTY, nullable: true, description: 'Company permission template; `null` clears it' }) @IsOptional() @IdField() permission_template_id?: number | null;
  @ApiPropertyOptional({ type: String, minLength: 8, maxLength: 200, nullable: true, description: 'A new sign-in password' })
  @IsOptional() @IsString() @MinLength(8) @MaxLength(200) password?: string | null;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class SetPrivilegesDto {
  @ApiProperty({ type: Boolean, description: 'Grant or take away the accounting approver privilege' }) @IsBoolean() accounting_approver!: boolean;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

/** The body of a write that changes nothing but state: at most the version it is based on. */
export class VersionOnlyDto {
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}
