import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Min } from 'class-validator';
import { ID_PROPERTY, IdField, VERSION_PROPERTY } from './common-fields';

export class AddMemberDto {
  @ApiProperty({ ...ID_PROPERTY, description: 'An active user of the company directory' }) @IdField() user_id!: number;
  @ApiProperty({ ...ID_PROPERTY, description: 'A project permission template available on this project' }) @IdField() permission_template_id!: number;
}

export class ChangeMemberTemplateDto {
  @ApiProperty({ ...ID_PROPERTY, description: 'A project permission template available on this project' }) @IdField() permission_template_id!: number;
  @ApiPropertyOptional(VERSION_PROPERTY)
  @IsOptional() @IsInt() @Min(1) version?: number;
}
