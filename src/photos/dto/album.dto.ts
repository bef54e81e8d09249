import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsInt, IsOptional, Min } from 'class-validator';
import { IdField, NameField, OmittableField, VERSION_PROPERTY } from '../../directory/dto/common-fields';

export class CreateAlbumDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Level 2 slab pour' }) @NameField() name!: string;
  @ApiPropertyOptional({ type: Boolean, description: 'Private: seen only by Admins on Photos, its creator and holders of view_private_photos (default false)' }) @IsOptional() @IsBoolean() private?: boolean;
}

export class UpdateAlbumDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional({ type: Boolean }) @OmittableField() @IsBoolean() private?: boolean;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class ReorderAlbumsDto {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 1000, description: "Every album of the project, each once, in the new order" })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IdField({ each: true })
  album_ids!: number[];
}
