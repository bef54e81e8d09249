import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, Min, ValidateNested, ValidationArguments } from 'class-validator';
import { IdField, NameField, OmittableField, VERSION_PROPERTY } from '../../directory/dto/common-fields';
import { BUDGET_COLUMNS, BudgetColumn } from '../budget-numbers';
import { COST_TYPES, CostType } from './budget.dto';

/** What a view leaves out of the budget: line items of other cost codes or types, and (hide_zero) those with nothing in the shown columns. */
export class BudgetViewFiltersDto {
  @ApiPropertyOptional({ type: [Number], maxItems: 500, description: "Only line items of these cost codes (this project's)" }) @IsOptional() @IsArray() @ArrayMaxSize(500) @IdField({ each: true }) cost_code_ids?: number[];
  @ApiPropertyOptional({ enum: COST_TYPES, isArray: true, description: 'Only line items of these cost types' }) @IsOptional() @IsArray() @IsIn(COST_TYPES as unknown as string[], { each: true }) cost_types?: CostType[];
  @ApiPropertyOptional({ type: Boolean, description: 'Leave out line items whose shown columns are all zero' }) @IsOptional() @IsBoolean() hide_zero?: boolean;
}

const COLUMNS_DOC = { enum: BUDGET_COLUMNS, isArray: true, minItems: 1, description: 'The columns the view shows (a column the reader may not see stays hidden whatever the view says)' } as const;
/** Names the values that are not columns, so the caller sees which one to fix. */
const notColumns = (a: ValidationArguments): string => {
  const bad = (Array.isArray(a.value) ? a.value : [a.value]).filter((v) => !(BUDGET_COLUMNS as readonly unknown[]).includes(v)).map((v) => JSON.stringify(v));
  return `${bad.join(', ')} ${bad.length > 1 ? 'are not budget columns' : 'is not a budget column'} (the columns: ${BUDGET_COLUMNS.join(', ')})`;
};
const columnsRules = () => applyDecorators(IsArray(), ArrayMinSize(1), ArrayUnique(), IsIn(BUDGET_COLUMNS as unknown as string[], { each: true, message: notColumns }));

export class CreateBudgetViewDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Cost to date' }) @NameField() name!: string;
  @ApiProperty(COLUMNS_DOC) @columnsRules() columns!: BudgetColumn[];
  @ApiPropertyOptional({ type: BudgetViewFiltersDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => BudgetViewFiltersDto) filters?: BudgetViewFiltersDto;
  @ApiPropertyOptional({ type: Boolean, description: "Make it the project's default view (what the budget shows without `view_id`)" }) @IsOptional() @IsBoolean() default?: boolean;
}

export class UpdateBudgetViewDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() name?: string;
  @ApiPropertyOptional(COLUMNS_DOC) @OmittableField() @columnsRules() columns?: BudgetColumn[];
  @ApiPropertyOptional({ type: BudgetViewFiltersDto, description: 'Replaces the filters' }) @OmittableField() @IsObject() @ValidateNested() @Type(() => BudgetViewFiltersDto) filters?: BudgetViewFiltersDto;
  @ApiPropertyOptional({ type: Boolean, description: 'true makes it the default; false, if it is the default, leaves the project without one' }) @OmittableField() @IsBoolean() default?: boolean;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}
