import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsISO8601, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { ID_PROPERTY, IdField, OmittableField, VERSION_PROPERTY } from '../../directory/dto/common-fields';

const ALBUM = { ...ID_PROPERTY, nullable: true, description: 'An album of this project (null: no album)' } as const;
const TAKEN_AT = { type: String, format: 'date-time', nullable: true, description: "When it was taken, if the camera's EXIF time is missing or wrong (null: the EXIF time)" } as const;

/** A photo's fields; its file is the part `file` (or `image[data]`) of the form, or one `upload_ids` entry of a photo upload. */
export class CreateImageDto {
  @ApiPropertyOptional(ALBUM) @IsOptional() @IdField() image_category_id?: number | null;
  @ApiPropertyOptional({ type: String, maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional({ type: Boolean, description: 'Private: seen only by Admins on Photos, its uploader and holders of view_private_photos' }) @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional(TAKEN_AT) @IsOptional() @IsISO8601({ strict: true }) taken_at?: string | null;
  @ApiPropertyOptional({ type: [Number], maxItems: 1, description: 'A photo upload of yours (`POST …/uploads` takes attachments; a photo sent with the form lands here)' }) @IsOptional() @IsArray() @ArrayMaxSize(1) @IdField({ each: true }) upload_ids?: number[];
}

export class UpdateImageDto {
  @ApiPropertyOptional({ ...ALBUM, description: 'Moves it to this album (null: out of any album)' }) @IsOptional() @IdField() image_category_id?: number | null;
  @ApiPropertyOptional({ type: String, maxLength: 2000 }) @OmittableField() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional({ type: Boolean }) @OmittableField() @IsBoolean() private?: boolean;
  @ApiPropertyOptional(TAKEN_AT) @IsOptional() @IsISO8601({ strict: true }) taken_at?: string | null;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}
