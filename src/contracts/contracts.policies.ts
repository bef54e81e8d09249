import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { AccessSubject } from '../permissions/access-subject';
import { ItemPolicy, ItemPolicyContext, ItemPolicyRegistry, ItemVerdict, refusalAsVerdict, roleVerdict } from '../permissions/item-policy';
import type { Decision } from '../permissions/resolver';
import { REVIEWER_ANSWERS_IN } from './change-order-transitions';
import { ChangeOrderRow, ChangeOrdersService } from './change-orders.service';
import { CommitmentsService } from './commitments.service';
import type { CommitmentType } from './dto/contracts.dto';

/** The granular key a commitment action was granted by must be the one of the commitment's type (PERMISSIONS.md). */
function typeLimit(decision: Decision, subject: AccessSubject, type: CommitmentType): ItemVerdict {
  if (decision.grant !== 'granular') return { allowed: true };
  const verb = decision.action === 'commitments.create' ? 'create' : 'update';
  const key = `commitments.${verb}_${type}` as const;
  if (subject.project?.granular.has(key)) return { allowed: true };
  const kind = type === 'subcontract' ? 'subcontracts' : 'purchase orders';
  return {
    allowed: false,
    layer: 'granular',
    message: `Your granular permission lets you ${verb} ${type === 'subcontract' ? 'purchase orders' : 'subcontracts'} only; to ${verb} ${kind} you need '${key}' or Admin on Commitments.`,
    have: [...(subject.project?.granular ?? [])].filter((g) => g.startsWith('commitments.')),
    need: key,
  };
}

/**
 * Commitments (layers 8–9): a private one only for those its privacy rule
 * names; a granular grant only for its own type (the body's `type` on create).
 * Invoice routes act on their commitment and pass here too.
 */
@Injectable()
export class CommitmentPolicy implements ItemPolicy {
  readonly actions = ['commitments.view', 'commitments.create', 'commitments.update', 'commitments.approve'] as const;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commitments: CommitmentsService,
  ) {}

  async check({ itemId, subject, decision, body }: ItemPolicyContext): Promise<ItemVerdict> {
    if (!subject.project) return { allowed: true };
    if (decision.action === 'commitments.create') {
      const type = (body as { type?: unknown } | null)?.type;
      return type === 'subcontract' || type === 'purchase_order' ? typeLimit(decision, subject, type) : { allowed: true }; // validation answers a bad type
    }
    if (itemId === null) return { allowed: true };
    const [row]: { type: CommitmentType }[] = await this.db.query('SELECT type FROM commitments WHERE id = $1 AND project_id = $2', [itemId, subject.project.projectId]);
    if (!row) return { allowed: true }; // the route answers 404
    const seen = await refusalAsVerdict(() => this.commitments.visibleRow(subject, subject.project!.projectId, itemId, decision.action).then(() => undefined));
    if (!seen.allowed) return seen;
    return decision.action === 'commitments.update' ? typeLimit(decision, subject, row.type) : { allowed: true };
  }
}

/**
 * Change orders (layers 8–9): a CO on a private commitment follows the
 * commitment's privacy; below Admin, a draft is edited and submitted by its
 * creator, and the designated reviewer answers while it is pending or revised.
 */
@Injectable()
export class ChangeOrderPolicy implements ItemPolicy {
  readonly actions = ['change_orders.view', 'change_orders.edit', 'change_orders.submit', 'change_orders.approve', 'change_orders.reject', 'change_orders.void'] as const;

  constructor(private readonly changeOrders: ChangeOrdersService) {}

  async check({ itemId, subject, decision }: ItemPolicyContext): Promise<ItemVerdict> {
    if (itemId === null || !subject.project) return { allowed: true };
    let row: ChangeOrderRow | undefined;
    const seen = await refusalAsVerdict(async () => {
      row = await this.changeOrders.visibleRow(subject, subject.project!.projectId, itemId, decision.action);
    }).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') return null; // the route answers 404
      throw err;
    });
    if (seen === null || !row) return { allowed: true };
    if (!seen.allowed) return seen;
    if (decision.outcome === 'allowed') return { allowed: true };
    const held: string[] = [];
    if (row.created_by_id === subject.userId) held.push('creator');
    if (row.designated_reviewer_id === subject.userId) held.push('designated_reviewer');
    const label = `change order #${row.number}`;
    const answering = decision.action === 'change_orders.approve' || decision.action === 'change_orders.reject';
    if (answering && held.includes('designated_reviewer') && !REVIEWER_ANSWERS_IN.includes(row.status)) {
      return {
        allowed: false,
        layer: 'item_state',
        message: `As its designated reviewer you may answer ${label} only while it is ${REVIEWER_ANSWERS_IN.join(' or ')}; it is ${row.status}. ${row.status === 'approved' || row.status === 'void' ? 'It is final and locked.' : 'An Admin on Change Orders can.'}`,
        have: row.status,
        need: REVIEWER_ANSWERS_IN,
      };
    }
    return roleVerdict(decision, held, row.status, 'change order', label);
  }
}

@Injectable()
export class ContractsPolicies implements OnModuleInit {
  constructor(
    private readonly registry: ItemPolicyRegistry,
    private readonly commitments: CommitmentPolicy,
    private readonly changeOrders: ChangeOrderPolicy,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.commitments);
    this.registry.register(this.changeOrders);
  }
}
