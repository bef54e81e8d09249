import { ArrayOf, Bool, DateOnly, DateTime, Enum, Id, Int, Money, Named, Nullable, Obj, Str, Version } from '../common/openapi/schema';
import { CHANGE_ORDER_STATUSES } from './change-order-transitions';
import { COMMITMENT_TYPES } from './dto/contracts.dto';

const Amount = { ...Money, pattern: '^-?\\d+\\.\\d{2}$' };

export const ContractLine = Named('ContractLine', Obj({ id: Id, budget_line_item_id: Id, amount: Amount }));

export const PrimeContract = Named(
  'PrimeContract',
  Obj({
    id: Id,
    project_id: Id,
    number: Str({ example: 'PC-001', maxLength: 64 }),
    title: Str({ maxLength: 255 }),
    value: Amount,
    created_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const Commitment = Named(
  'Commitment',
  Obj({
    id: Id,
    project_id: Id,
    number: Int({ minimum: 1, example: 2 }),
    type: Enum(COMMITMENT_TYPES),
    title: Str({ maxLength: 255 }),
    vendor_id: Nullable(Id),
    status: Enum(['draft', 'approved'] as const, { description: 'Only an approved commitment counts in the budget’s committed costs' }),
    private: Bool(),
    private_user_ids: ArrayOf(Id),
    line_items: ArrayOf(ContractLine),
    total: Amount,
    approved_at: Nullable(DateTime),
    approved_by_id: Nullable(Id),
    created_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const CommitmentInvoice = Named(
  'CommitmentInvoice',
  Obj({
    id: Id,
    project_id: Id,
    commitment_id: Id,
    number: Int({ minimum: 1, example: 1 }),
    status: Enum(['draft', 'under_review', 'approved'] as const, { description: 'Only an approved invoice counts in the budget’s job-to-date costs' }),
    line_items: ArrayOf(ContractLine),
    total: Amount,
    created_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const DirectCost = Named(
  'DirectCost',
  Obj({
    id: Id,
    project_id: Id,
    budget_line_item_id: Id,
    amount: Amount,
    description: Str({ maxLength: 1000 }),
    date: DateOnly,
    created_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const ChangeOrder = Named(
  'ChangeOrder',
  Obj({
    id: Id,
    project_id: Id,
    number: Int({ minimum: 1, example: 3 }),
    contract_type: Enum(['prime', 'commitment'] as const),
    contract_id: Id,
    title: Str({ maxLength: 255 }),
    status: Enum(CHANGE_ORDER_STATUSES),
    next_statuses: ArrayOf(Enum(CHANGE_ORDER_STATUSES), { description: 'Where the transition table allows it to go from here' }),
    designated_reviewer_id: Nullable(Id),
    line_items: ArrayOf(ContractLine),
    total: Amount,
    submitted_at: Nullable(DateTime),
    decided_at: Nullable(DateTime),
    decided_by_id: Nullable(Id),
    created_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);
