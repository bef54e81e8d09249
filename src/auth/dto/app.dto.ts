import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { NameField } from '../../directory/dto/common-fields';

export class CreateAppDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255 }) @NameField() name!: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 2048 },
    maxItems: 10,
    nullable: true,
    description: 'Registered redirect URIs (http, https without a fragment, or urn:ietf:wg:oauth:2.0:oob); at least one unless the app is a service account',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @MaxLength(2048, { each: true })
  redirect_uris?: string[] | null;
  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'A developer-managed service account: the app acts as its own directory user (client_credentials)' })
  @IsOptional() @IsBoolean()
  service_account?: boolean | null;
}
