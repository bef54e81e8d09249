import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { NameField } from '../../directory/dto/common-fields';

export class CreateAppDto {
  @ApiProperty() @NameField() name!: string;
  @ApiPropertyOptional({ description: 'Registered redirect URIs (http, https, or urn:ietf:wg:oauth:2.0:oob)' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @MaxLength(2048, { each: true })
  redirect_uris?: string[];
  @ApiPropertyOptional({ description: 'A developer-managed service account: the app acts as its own directory user (client_credentials)' })
  @IsOptional() @IsBoolean()
  service_account?: boolean;
}
