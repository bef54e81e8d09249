import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { OmittableField } from '../../directory/dto/common-fields';

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

export class CreateHookDto {
  @ApiProperty({ example: 'my-integration' })
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'namespace must be 1-64 letters, digits, _ . -' })
  namespace!: string;

  @ApiProperty({ example: 'http://127.0.0.1:9000/hooks' })
  @IsString() @MaxLength(2048)
  destination_url!: string;

  @ApiPropertyOptional({ description: 'Headers sent with every delivery (e.g. an Authorization for the receiver)' })
  @IsOptional() @IsObject()
  destination_headers?: Record<string, string>;
}

export class UpdateHookDto {
  @ApiPropertyOptional() @OmittableField() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/) namespace?: string;
  @ApiPropertyOptional() @OmittableField() @IsString() @MaxLength(2048) destination_url?: string;
  @ApiPropertyOptional() @OmittableField() @IsObject() destination_headers?: Record<string, string>;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}

export class CreateTriggerDto {
  @ApiProperty({ enum: WEBHOOK_RESOURCES }) @IsIn(WEBHOOK_RESOURCES as unknown as string[]) resource_name!: string;
  @ApiProperty({ enum: ['create', 'update', 'delete'] }) @IsIn(['create', 'update', 'delete']) event_type!: 'create' | 'update' | 'delete';
}
