import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { NameField } from '../directory/dto/common-fields';
import { SANDBOX_TEMPLATES } from './sandboxes.schemas';

export class CreateSandboxDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, description: 'Also the name of its company (trimmed)', example: 'training' })
  @NameField() name!: string;
  @ApiProperty({ enum: SANDBOX_TEMPLATES, description: '`training`: personas, projects and seeded items; `blank`: an administrator only' })
  @IsIn(SANDBOX_TEMPLATES) template!: 'training' | 'blank';
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2_147_483_647, description: 'Seed for every simulated random choice (delays, faults); default: a random one' })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647) seed?: number;
}
