import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { UploadIdsField } from '../../uploads/upload-ids.field';

export class CreateReplyDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20_000) body!: string;
  @ApiPropertyOptional({ description: 'A draft is visible to its author only and changes nothing' }) @IsOptional() @IsBoolean() draft?: boolean;
  @UploadIdsField() upload_ids?: number[];
}

export class UpdateReplyDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(20_000) body?: string;
  @ApiPropertyOptional({ description: 'false submits a draft reply' }) @IsOptional() @IsBoolean() draft?: boolean;
  @UploadIdsField() upload_ids?: number[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
