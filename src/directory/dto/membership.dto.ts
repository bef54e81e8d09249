import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Min } from 'class-validator';
import { IdField } from './common-fields';

export class AddMemberDto {
  @ApiProperty({ description: 'A user of the company directory' }) @IdField() user_id!: number;
  @ApiProperty({ description: 'A project permission template' }) @IdField() permission_template_id!: number;
}

export class ChangeMemberTemplateDto {
  @ApiProperty() @IdField() permission_template_id!: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
