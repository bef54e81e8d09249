import { Injectable, OnModuleInit } from '@nestjs/common';
import { PENDING_LIKE_STATUSES } from '../budget/budget-numbers';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { userRef } from '../diagnose/evidence';
import { JobInspector } from '../queues/job-inspector';

type Found = Omit<Finding, 'cause'>;

/**
 * Asked about the budget or the contract tool. A CO or commitment waiting for
 * approval is the normal life of a project, so it is named only when the
 * question is about money, not for any update of the project.
 */
const onMoney = (ctx: DiagnoseContext, tool: string): boolean => ctx.projectId !== null && (ctx.tool === 'budget' || ctx.tool === tool);
/** Asked about this very item (a CO, commitment or invoice id with its tool): the most likely answer. */
const about = (ctx: DiagnoseContext, tool: string, id: number): boolean => ctx.tool === tool && ctx.itemId === id;
const LIMIT = 10;

/**
 * A change order that is not approved yet: the budget's "Approved COs" (or
 * committed costs) leave it out; while pending it shows as a pending budget or
 * cost change, and a draft shows nowhere.
 */
@Injectable()
export class ChangeOrderNotApprovedCause implements CauseDetector {
  readonly cause = 'change_order_not_approved' as const;
  readonly symptoms = ['not_updating', 'not_visible'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (!onMoney(ctx, 'change_orders')) return [];
    const rows: { id: number; number: number; title: string; status: string; contract_type: 'prime' | 'commitment'; designated_reviewer_id: number | null; total: string; updated_at: Date }[] = await ctx.db.query(
      `SELECT o.id, o.number, o.title, o.status, o.contract_type, o.designated_reviewer_id, o.updated_at,
              (SELECT coalesce(sum(l.amount), 0) FROM change_order_lines l WHERE l.change_order_id = o.id)::numeric(17,2)::text AS total
         FROM change_orders o
        WHERE o.project_id = $1 AND (o.status = 'draft' OR o.status = ANY($2::text[])) AND EXISTS (SELECT 1 FROM change_order_lines l WHERE l.change_order_id = o.id)
        ORDER BY (o.id = $3) DESC, o.updated_at DESC LIMIT ${LIMIT}`,
      [ctx.projectId, PENDING_LIKE_STATUSES, ctx.itemId ?? 0],
    );
    const out: Found[] = [];
    for (const co of rows) {
      const column = co.contract_type === 'prime' ? 'Approved COs (and the revised budget)' : 'committed costs';
      const pendingColumn = co.contract_type === 'prime' ? 'pending budget changes' : 'pending cost changes';
      const approve = `POST /rest/v1.0/projects/${ctx.projectId}/change_orders/${co.id}/actions/approve`;
      out.push({
        tool: 'change_orders',
        item: { id: co.id, type: 'change_order' },
        user: await userRef(ctx.db, co.designated_reviewer_id),
        evidence: {
          number: co.number,
          title: co.title,
          status: co.status,
          contract_type: co.contract_type,
          total: co.total,
          designated_reviewer_id: co.designated_reviewer_id,
          counted_in: co.status === 'draft' ? [] : [pendingColumn],
          left_out_of: [column],
        },
        fix:
          co.status === 'draft'
            ? [`Its creator or an Admin submits it: POST /rest/v1.0/projects/${ctx.projectId}/change_orders/${co.id}/actions/submit`, `Then the designated reviewer or an Admin approves it: ${approve}`]
            : [`The designated reviewer${co.designated_reviewer_id ? '' : ' (none is set)'} or an Admin on Change Orders approves it: ${approve}`, 'The budget shows it once the sync and recalculation jobs have run.'],
        weight: about(ctx, 'change_orders', co.id) ? 97 : 88,
      });
    }
    return out;
  }
}

/** A commitment still in draft: its lines are not committed costs. */
@Injectable()
export class CommitmentNotApprovedCause implements CauseDetector {
  readonly cause = 'commitment_not_approved' as const;
  readonly symptoms = ['not_updating', 'not_visible'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (!onMoney(ctx, 'commitments')) return [];
    const rows: { id: number; number: number; title: string; type: string; created_by_id: number | null; total: string }[] = await ctx.db.query(
      `SELECT c.id, c.number, c.title, c.type, c.created_by_id,
              (SELECT sum(l.amount) FROM commitment_lines l WHERE l.commitment_id = c.id)::numeric(17,2)::text AS total
         FROM commitments c
        WHERE c.project_id = $1 AND c.status = 'draft' AND EXISTS (SELECT 1 FROM commitment_lines l WHERE l.commitment_id = c.id)
        ORDER BY (c.id = $2) DESC, c.updated_at DESC LIMIT ${LIMIT}`,
      [ctx.projectId, ctx.itemId ?? 0],
    );
    return Promise.all(
      rows.map(async (c) => ({
        tool: 'commitments',
        item: { id: c.id, type: 'commitment' },
        user: await userRef(ctx.db, c.created_by_id),
        evidence: { number: c.number, title: c.title, type: c.type, status: 'draft', total: c.total, left_out_of: ['committed costs', 'projected costs'] },
        fix: [`An Admin on Commitments approves it: POST /rest/v1.0/projects/${ctx.projectId}/commitments/${c.id}/actions/approve`, 'The budget shows it once the sync and recalculation jobs have run.'],
        weight: about(ctx, 'commitments', c.id) ? 96 : 86,
      })),
    );
  }
}

/** An invoice not yet approved ("invoices processed"): the budget's job-to-date costs leave it out. */
@Injectable()
export class InvoiceNotProcessedCause implements CauseDetector {
  readonly cause = 'invoice_not_processed' as const;
  readonly symptoms = ['not_updating'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (!onMoney(ctx, 'commitments')) return [];
    const rows: { id: number; number: number; status: string; commitment_id: number; commitment_number: number; created_by_id: number | null; total: string }[] = await ctx.db.query(
      `SELECT i.id, i.number, i.status, i.commitment_id, c.number AS commitment_number, i.created_by_id,
              (SELECT coalesce(sum(l.amount), 0) FROM commitment_invoice_lines l WHERE l.invoice_id = i.id)::numeric(17,2)::text AS total
         FROM commitment_invoices i JOIN commitments c ON c.id = i.commitment_id
        WHERE i.project_id = $1 AND i.status <> 'approved'
        ORDER BY (i.status = 'under_review') DESC, i.updated_at DESC LIMIT ${LIMIT}`,
      [ctx.projectId],
    );
    return Promise.all(
      rows.map(async (i) => {
        const url = `/rest/v1.0/projects/${ctx.projectId}/commitments/${i.commitment_id}/invoices/${i.id}/actions`;
        return {
          tool: 'commitments',
          item: { id: i.id, type: 'commitment_invoice' },
          user: await userRef(ctx.db, i.created_by_id),
          evidence: { number: i.number, status: i.status, commitment_id: i.commitment_id, commitment_number: i.commitment_number, total: i.total, left_out_of: ['job-to-date costs'] },
          fix: i.status === 'draft' ? [`Submit it for review: POST ${url}/submit`, `Then an Admin on Commitments approves it: POST ${url}/approve`] : [`An Admin on Commitments processes (approves) it: POST ${url}/approve`],
          weight: i.status === 'under_review' ? 80 : 70,
        };
      }),
    );
  }
}

/** A contract-side change still travelling to the budget: its sync job has not run yet. */
@Injectable()
export class SyncDelayBetweenToolsCause implements CauseDetector {
  readonly cause = 'sync_delay_between_tools' as const;
  readonly symptoms = ['not_updating'] as const;

  constructor(private readonly inspector: JobInspector) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null) return [];
    const jobs = (await this.inspector.pending({ companyId: ctx.companyId, projectId: ctx.projectId })).filter((j) => j.name === 'sync.contracts-to-budget');
    if (!jobs.length) return [];
    return [
      {
        tool: 'budget',
        item: null,
        user: null,
        evidence: {
          from: [...new Set(jobs.map((j) => String(j.payload.resource)))],
          jobs: jobs.slice(0, LIMIT).map((j) => ({ id: j.id, state: j.state, resource: j.payload.resource, resource_id: j.payload.resourceId, delay_ms: j.delay_ms, due_at: j.due_at, attempts_made: j.attempts_made, error: j.error })),
        },
        fix: [
          `Wait for the sync between the tools (POST /_sim/settle?project_id=${ctx.projectId} waits for it); the budget then recalculates.`,
          'Or shorten it: PATCH /_sim/sandboxes/{id}/settings {"latency_profile": "instant"} (or a smaller `sync` delay).',
        ],
        weight: 87,
      },
    ];
  }
}

@Injectable()
export class ContractsCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly changeOrder: ChangeOrderNotApprovedCause,
    private readonly commitment: CommitmentNotApprovedCause,
    private readonly invoice: InvoiceNotProcessedCause,
    private readonly sync: SyncDelayBetweenToolsCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.changeOrder, this.commitment, this.invoice, this.sync);
  }
}
