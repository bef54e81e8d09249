import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token', 'password'] as const;

export class TokenRequestDto {
  @IsIn(GRANT_TYPES, { message: `grant_type must be one of ${GRANT_TYPES.join(', ')}` })
  grant_type!: (typeof GRANT_TYPES)[number];

  @IsOptional() @IsString() @MaxLength(512) code?: string;
  @IsOptional() @IsString() @MaxLength(128) client_id?: string;
  @IsOptional() @IsString() @MaxLength(256) client_secret?: string;
  @IsOptional() @IsString() @MaxLength(2048) redirect_uri?: string;
  @IsOptional() @IsString() @MaxLength(512) refresh_token?: string;
  @IsOptional() @IsString() @MaxLength(255) username?: string;
  @IsOptional() @IsString() @MaxLength(1024) password?: string;
  @IsOptional() @IsString() @MaxLength(255) scope?: string;
  @IsOptional() @IsString() @MaxLength(128) code_verifier?: string;
}

export class RevokeRequestDto {
  @IsString() @MaxLength(512) token!: string;
  @IsOptional() @IsString() @MaxLength(64) token_type_hint?: string;
  @IsOptional() @IsString() @MaxLength(128) client_id?: string;
  @IsOptional() @IsString() @MaxLength(256) client_secret?: string;
}

export class AuthorizeFormDto {
  @IsIn(['code', 'token']) response_type!: 'code' | 'token';
  @IsString() @MaxLength(128) client_id!: string;
  @IsOptional() @IsString() @MaxLength(2048) redirect_uri?: string;
  @IsOptional() @IsString() @MaxLength(512) state?: string;
  @IsOptional() @IsString() @MaxLength(128) code_challenge?: string;
  @IsOptional() @IsString() @MaxLength(16) code_challenge_method?: string;
  @IsString() @MaxLength(255) email!: string;
  @IsString() @MaxLength(1024) password!: string;
}
