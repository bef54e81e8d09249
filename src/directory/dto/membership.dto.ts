import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Min } from 'class-validator';

export class AddMemberDto {
  @ApiProperty({ description: 'A user of the company directory' }) @IsInt() @Min(1) user_id!: number;
  @ApiProperty({ description: 'A project permission template' }) @IsInt() @Min(1) permission_template_id!: number;
}

export class ChangeMemberTemplateDto {
  @ApiProperty() @IsInt() @Min(1) permission_template_id!: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;
}
