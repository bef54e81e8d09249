import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { ID_PROPERTY, IdField, NameField, OmittableField, VERSION_PROPERTY } from '../../directory/dto/common-fields';
import { MoneyField } from '../../common/validation/money';

export const COST_TYPES = ['labor', 'material', 'equipment', 'subcontract', 'other'] as const;
export type CostType = (typeof COST_TYPES)[number];

const CODE = { type: String, minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$', example: '03-300', description: 'Unique in the project: letters, digits, space, . _ -' } as const;
const codeRule = Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}$/, { message: 'code must be 1-32 letters, digits, spaces, . _ or -, starting with a letter or digit' });

export class CreateCostCodeDto {
  @ApiProperty(CODE) @IsString() @codeRule code!: string;
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Cast-in-place concrete' }) @NameField() description!: string;
}

export class UpdateCostCodeDto {
  @ApiPropertyOptional(CODE) @OmittableField() @IsString() @codeRule code?: string;
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() description?: string;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class CreateLineItemDto {
  @ApiProperty({ ...ID_PROPERTY, description: "A cost code of this project's budget" }) @IdField() cost_code_id!: number;
  @ApiPropertyOptional({ enum: COST_TYPES, description: 'Default `other`' }) @IsOptional() @IsIn(COST_TYPES as unknown as string[]) cost_type?: CostType;
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Foundations — footings and grade beams' }) @NameField() description!: string;
  @MoneyField({ description: 'The original budget amount' }) original_budget_amount!: string;
}

export class UpdateLineItemDto {
  @ApiPropertyOptional({ enum: COST_TYPES }) @OmittableField() @IsIn(COST_TYPES as unknown as string[]) cost_type?: CostType;
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() description?: string;
  @MoneyField({ optional: true, description: 'The original budget amount' }) original_budget_amount?: string;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class CreateModificationDto {
  @ApiProperty({ ...ID_PROPERTY, description: 'The line item the amount moves from' }) @IdField() from_line_item_id!: number;
  @ApiProperty({ ...ID_PROPERTY, description: 'The line item the amount moves to' }) @IdField() to_line_item_id!: number;
  @MoneyField({ sign: 'positive', description: 'The amount transferred' }) amount!: string;
  @ApiPropertyOptional({ type: String, maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) notes?: string;
}
