import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { NameField } from '../directory/dto/common-fields';

export class CreateSandboxDto {
  @ApiProperty() @NameField() name!: string;
  @ApiProperty({ enum: ['training', 'blank'] }) @IsIn(['training', 'blank']) template!: 'training' | 'blank';
  @ApiPropertyOptional({ description: 'Seed for every simulated random choice (delays, faults)' })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647) seed?: number;
}
