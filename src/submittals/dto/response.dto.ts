import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { OmittableField } from '../../directory/dto/common-fields';
import { VERSION } from '../../rfis/dto/rfi.dto';
import { RESPONSES, ResponseValue } from '../submittal.entities';

const COMMENT = { type: String, maxLength: 20_000 } as const;

export class CreateResponseDto {
  @ApiProperty({ enum: RESPONSES }) @IsIn(RESPONSES as unknown as string[]) response!: ResponseValue;
  @ApiPropertyOptional(COMMENT) @IsOptional() @IsString() @MaxLength(20_000) comment?: string;
  @ApiPropertyOptional({ type: Boolean, description: 'A draft holds the step: visible to its author only until submitted' }) @IsOptional() @IsBoolean() draft?: boolean;
}

export class UpdateResponseDto {
  @ApiPropertyOptional({ enum: RESPONSES }) @OmittableField() @IsIn(RESPONSES as unknown as string[]) response?: ResponseValue;
  @ApiPropertyOptional(COMMENT) @OmittableField() @IsString() @MaxLength(20_000) comment?: string;
  @ApiPropertyOptional({ type: Boolean, description: 'false submits a draft response' }) @OmittableField() @IsBoolean() draft?: boolean;
  @ApiPropertyOptional(VERSION) @IsOptional() @IsInt() @Min(1) version?: number;
}
