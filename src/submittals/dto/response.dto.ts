import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { RESPONSES, ResponseValue } from '../submittal.entities';

export class CreateResponseDto {
  @ApiProperty({ enum: RESPONSES }) @IsIn(RESPONSES as unknown as string[]) response!: ResponseValue;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) comment?: string;
  @ApiPropertyOptional({ description: 'A draft holds the step: visible to its author only until submitted' }) @IsOptional() @IsBoolean() draft?: boolean;
}

export class UpdateResponseDto {
  @ApiPropertyOptional({ enum: RESPONSES }) @IsOptional() @IsIn(RESPONSES as unknown as string[]) response?: ResponseValue;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) comment?: string;
  @ApiPropertyOptional({ description: 'false submits a draft response' }) @IsOptional() @IsBoolean() draft?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
