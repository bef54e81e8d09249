import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { OmittableField, VERSION_PROPERTY } from '../../directory/dto/common-fields';

/** The reference platform's webhook resource names (API.md "Webhooks"). */
export const WEBHOOK_RESOURCES = [
  'Projects',
  'Project Users',
  'Vendors',
  'RFIs',
  'RFI Replies',
  'Submittals',
  'Budget Line Items',
  'Commitments',
  'Change Orders',
  'Direct Costs',
  'Images',
  'Image Categories',
  'Drawings',
  'Drawing Revisions',
  'Markups',
] as const;

const NAMESPACE = { type: String, pattern: '^[A-Za-z0-9_.-]{1,64}$', minLength: 1, maxLength: 64, example: 'my-integration', description: '1-64 letters, digits, `_`, `.`, `-`' } as const;
const DESTINATION_URL = {
  type: String,
  maxLength: 2048,
  example: 'http://127.0.0.1:9000/hooks',
  description: 'An http(s) URL without credentials, whose host the operator allows (SIM_WEBHOOK_ALLOW); checked again at every delivery',
} as const;
const DESTINATION_HEADERS = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 1024 },
  maxProperties: 20,
  example: { Authorization: 'Bearer receiver-secret' },
  description:
    'Headers sent with every delivery (e.g. an Authorization for the receiver), by header name (letters, digits and `-`, at most 64): each value a single-line string; at most 20. Never answered back.',
} as const;

export class CreateHookDto {
  @ApiProperty(NAMESPACE)
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'namespace must be 1-64 letters, digits, _ . -' })
  namespace!: string;

  @ApiProperty(DESTINATION_URL)
  @IsString() @MaxLength(2048)
  destination_url!: string;

  @ApiPropertyOptional(DESTINATION_HEADERS)
  @IsOptional() @IsObject()
  destination_headers?: Record<string, string>;
}

/** Fields left out are kept; `destination_headers` replaces the hook's headers. */
export class UpdateHookDto {
  @ApiPropertyOptional(NAMESPACE) @OmittableField() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/) namespace?: string;
  @ApiPropertyOptional(DESTINATION_URL) @OmittableField() @IsString() @MaxLength(2048) destination_url?: string;
  @ApiPropertyOptional({ ...DESTINATION_HEADERS, description: `Replaces the hook's headers. ${DESTINATION_HEADERS.description}` }) @OmittableField() @IsObject() destination_headers?: Record<string, string>;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class CreateTriggerDto {
  @ApiProperty({ enum: WEBHOOK_RESOURCES, description: 'The reference platform’s resource name' }) @IsIn(WEBHOOK_RESOURCES as unknown as string[]) resource_name!: string;
  @ApiProperty({ enum: ['create', 'update', 'delete'], description: 'Which change of the resource sends the hook' }) @IsIn(['create', 'update', 'delete']) event_type!: 'create' | 'update' | 'delete';
}
