import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { UploadKind } from '../file-types';

/** Most segments one segmented upload may have. */
export const MAX_SEGMENTS = 10_000;
/** The largest file a segmented upload may announce (the sandbox's limit for the kind applies below it). */
export const MAX_SEGMENTED_BYTES = 64 * 1024 * 1024 * 1024;
const KINDS: UploadKind[] = ['attachment', 'photo', 'drawing'];
const SHA256 = /^[0-9a-fA-F]{64}$/;

export class CreateSegmentedUploadDto {
  @ApiProperty({ type: String, maxLength: 255, example: 'Level 2 scan.pdf', description: 'The file name, with the extension its content must match' })
  @IsString()
  @MaxLength(1000)
  file_name!: string;

  @ApiPropertyOptional({ enum: KINDS, description: 'What the file is (its accepted types and size limit); default `attachment`' })
  @IsOptional()
  @IsIn(KINDS)
  kind?: UploadKind;

  @ApiProperty({ type: Number, format: 'int64', minimum: 1, maximum: MAX_SEGMENTED_BYTES, example: 734003200, description: "The whole file's size in bytes, within the sandbox's `upload_limits` for the kind" })
  @IsInt()
  @Min(1)
  @Max(MAX_SEGMENTED_BYTES)
  size_bytes!: number;

  @ApiPropertyOptional({ type: Number, format: 'int32', minimum: 1, maximum: MAX_SEGMENTS, description: 'Into how many segments the file is cut (or give `segment_bytes`; neither: 8 MiB segments)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SEGMENTS)
  segment_count?: number;

  @ApiPropertyOptional({ type: Number, format: 'int64', minimum: 1, maximum: MAX_SEGMENTED_BYTES, description: 'The size of every segment but the last, which holds the rest' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SEGMENTED_BYTES)
  segment_bytes?: number;

  @ApiPropertyOptional({ type: String, pattern: SHA256.source, description: "Hex SHA-256 of the whole file, checked when it is completed (or give it to `complete`)" })
  @IsOptional()
  @Matches(SHA256, { message: 'sha256 must be 64 hexadecimal digits' })
  sha256?: string;
}

export class CompleteSegmentedUploadDto {
  @ApiPropertyOptional({ type: String, pattern: SHA256.source, description: 'Hex SHA-256 of the whole file: the joined segments must match it (422 `checksum_mismatch`)' })
  @IsOptional()
  @Matches(SHA256, { message: 'sha256 must be 64 hexadecimal digits' })
  sha256?: string;
}
