import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Min, ValidateNested } from 'class-validator';
import { ID_PROPERTY, IdField, NameField, OmittableField, VERSION_PROPERTY } from '../../directory/dto/common-fields';
import { MoneyField } from '../../common/validation/money';
import { CHANGE_ORDER_STATUSES, ChangeOrderStatus } from '../change-order-transitions';

/** Lines per commitment, change order or invoice. */
export const MAX_LINES = 500;

export const COMMITMENT_TYPES = ['subcontract', 'purchase_order'] as const;
export type CommitmentType = (typeof COMMITMENT_TYPES)[number];

const LINE_ITEM_ID = { ...ID_PROPERTY, description: "A line item of this project's budget" } as const;
const LINES_DOC = (what: string) => ({ maxItems: MAX_LINES, description: `${what}, each against a line item of this project's budget (at most ${MAX_LINES})` });

/** A commitment or invoice line: an amount (not negative) against a budget line item. */
export class CostLineDto {
  @ApiProperty(LINE_ITEM_ID) @IdField() budget_line_item_id!: number;
  @MoneyField({ sign: 'non_negative', description: 'The amount of the line' }) amount!: string;
}

/** A change order line: an amount against a budget line item (negative for a deductive change). */
export class ChangeLineDto {
  @ApiProperty(LINE_ITEM_ID) @IdField() budget_line_item_id!: number;
  @MoneyField({ description: 'The amount of the line (negative for a deduction)' }) amount!: string;
}

/** A list of lines, each validated as its DTO. */
const costLines = () => applyDecorators(IsArray(), ArrayMaxSize(MAX_LINES), ValidateNested({ each: true }), Type(() => CostLineDto));
const changeLines = () => applyDecorators(IsArray(), ArrayMaxSize(MAX_LINES), ValidateNested({ each: true }), Type(() => ChangeLineDto));

const NUMBER = { type: String, minLength: 1, maxLength: 64, example: 'PC-001', description: 'Unique in the project' } as const;
const numberRule = Matches(/^\S(.{0,62}\S)?$/, { message: 'number must be 1-64 characters without leading or trailing spaces' });

export class CreatePrimeContractDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Owner agreement — Riverside MOB' }) @NameField() title!: string;
  @ApiProperty(NUMBER) @IsString() @numberRule number!: string;
  @MoneyField({ sign: 'non_negative', description: 'The contract value' }) value!: string;
}

export class UpdatePrimeContractDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() title?: string;
  @ApiPropertyOptional(NUMBER) @OmittableField() @IsString() @numberRule number?: string;
  @MoneyField({ sign: 'non_negative', optional: true, description: 'The contract value' }) value?: string;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class CreateCommitmentDto {
  @ApiProperty({ enum: COMMITMENT_TYPES }) @IsIn(COMMITMENT_TYPES as unknown as string[]) type!: CommitmentType;
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Electrical subcontract' }) @NameField() title!: string;
  @ApiPropertyOptional({ ...ID_PROPERTY, nullable: true, description: "A vendor of the company's directory" }) @IsOptional() @IdField() vendor_id?: number | null;
  @ApiPropertyOptional({ type: Boolean, description: 'Private: seen only by Admins, the private list, and holders of the view-private key of its type (default false)' }) @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ type: [Number], maxItems: 100, description: 'The private list: active members of the project' }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IdField({ each: true }) private_user_ids?: number[];
  @ApiPropertyOptional({ type: [CostLineDto], ...LINES_DOC('The lines') }) @IsOptional() @costLines() line_items?: CostLineDto[];
}

export class UpdateCommitmentDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() title?: string;
  @ApiPropertyOptional({ ...ID_PROPERTY, nullable: true }) @IsOptional() @IdField() vendor_id?: number | null;
  @ApiPropertyOptional({ type: Boolean }) @OmittableField() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ type: [Number], maxItems: 100, description: 'Replaces the private list' }) @OmittableField() @IsArray() @ArrayMaxSize(100) @IdField({ each: true }) private_user_ids?: number[];
  @ApiPropertyOptional({ type: [CostLineDto], ...LINES_DOC('Replaces the lines (a draft only: an approved commitment is locked)') }) @OmittableField() @costLines() line_items?: CostLineDto[];
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class CreateInvoiceDto {
  @ApiProperty({ type: [CostLineDto], minItems: 1, ...LINES_DOC('The amounts billed') }) @ArrayMinSize(1) @costLines() line_items!: CostLineDto[];
}

export class CreateDirectCostDto {
  @ApiProperty(LINE_ITEM_ID) @IdField() budget_line_item_id!: number;
  @MoneyField({ sign: 'non_negative', description: 'The cost' }) amount!: string;
  @ApiProperty({ type: String, minLength: 1, maxLength: 1000, example: 'Crane rental, 2 days' }) @NameField(1000) description!: string;
  @ApiProperty({ type: String, format: 'date', example: '2026-12-04' }) @IsISO8601({ strict: true }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' }) date!: string;
}

export class UpdateDirectCostDto {
  @ApiPropertyOptional(LINE_ITEM_ID) @OmittableField() @IdField() budget_line_item_id?: number;
  @MoneyField({ sign: 'non_negative', optional: true, description: 'The cost' }) amount?: string;
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 1000 }) @OmittableField() @NameField(1000) description?: string;
  @ApiPropertyOptional({ type: String, format: 'date' }) @OmittableField() @IsISO8601({ strict: true }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' }) date?: string;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class CreateChangeOrderDto {
  @ApiProperty({ enum: ['prime', 'commitment'] }) @IsIn(['prime', 'commitment']) contract_type!: 'prime' | 'commitment';
  @ApiProperty({ ...ID_PROPERTY, description: 'The prime contract or commitment of this project' }) @IdField() contract_id!: number;
  @ApiProperty({ type: String, minLength: 1, maxLength: 255, example: 'Added floor boxes in the lobby' }) @NameField() title!: string;
  @ApiPropertyOptional({ ...ID_PROPERTY, nullable: true, description: 'The active project member who may approve or reject it while pending or revised' }) @IsOptional() @IdField() designated_reviewer_id?: number | null;
  @ApiPropertyOptional({ type: [ChangeLineDto], ...LINES_DOC('The lines') }) @IsOptional() @changeLines() line_items?: ChangeLineDto[];
}

export class UpdateChangeOrderDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 }) @OmittableField() @NameField() title?: string;
  @ApiPropertyOptional({ ...ID_PROPERTY, nullable: true }) @IsOptional() @IdField() designated_reviewer_id?: number | null;
  @ApiPropertyOptional({ type: [ChangeLineDto], ...LINES_DOC('Replaces the lines') }) @OmittableField() @changeLines() line_items?: ChangeLineDto[];
  @ApiPropertyOptional({
    enum: CHANGE_ORDER_STATUSES,
    description: 'A review status the transition table allows from the current one (`pending`, `approved`, `rejected` and `void` are reached by the actions submit, approve, reject and void)',
  })
  @OmittableField()
  @IsIn(CHANGE_ORDER_STATUSES as unknown as string[])
  status?: ChangeOrderStatus;
  @ApiPropertyOptional(VERSION_PROPERTY) @IsOptional() @IsInt() @Min(1) version?: number;
}


