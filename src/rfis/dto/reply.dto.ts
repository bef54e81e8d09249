import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { OmittableField } from '../../directory/dto/common-fields';
import { UploadIdsField } from '../../uploads/upload-ids.field';
import { VERSION } from './rfi.dto';

const BODY = { type: String, minLength: 1, maxLength: 20_000 } as const;

export class CreateReplyDto {
  @ApiProperty(BODY) @IsString() @IsNotEmpty() @MaxLength(20_000) body!: string;
  @ApiPropertyOptional({ type: Boolean, description: 'A draft is visible to its author only and changes nothing' }) @IsOptional() @IsBoolean() draft?: boolean;
  @UploadIdsField() upload_ids?: number[];
}

export class UpdateReplyDto {
  @ApiPropertyOptional(BODY) @OmittableField() @IsString() @IsNotEmpty() @MaxLength(20_000) body?: string;
  @ApiPropertyOptional({ type: Boolean, description: 'false submits a draft reply' }) @OmittableField() @IsBoolean() draft?: boolean;
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional(VERSION) @IsOptional() @IsInt() @Min(1) version?: number;
}
