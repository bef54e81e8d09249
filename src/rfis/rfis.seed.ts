import { Injectable, OnModuleInit } from '@nestjs/common';
import { SeedContext, SeedRegistry } from '../sandboxes/seed-registry';
import { addBusinessDays } from '../common/dates';
import { Rfi, RfiReply } from './rfi.entities';

interface SeededRfi {
  key: string;
  subject: string;
  question: string;
  status: 'draft' | 'open' | 'closed';
  number: number | null;
  private?: boolean;
  creator: string;
  manager: string;
  assignees: string[];
  distribution?: string[];
  due: 'past' | 'future' | null;
  reply?: { by: string; body: string; official: boolean };
}

/** The training RFIs: one open, one private, one draft, one overdue, one closed with an official reply. */
const RFIS: SeededRfi[] = [
  { key: 'open', subject: 'Beam size at grid C4', question: 'S-201 shows W12x26 while the schedule shows W12x30. Which governs?', status: 'open', number: 1, creator: 'gc_project_manager', manager: 'gc_project_manager', assignees: ['architect'], distribution: ['owner_rep', 'superintendent'], due: 'future' },
  { key: 'private', subject: 'Owner allowance for lobby finishes', question: 'Confirm the allowance before we release the order.', status: 'open', number: 2, private: true, creator: 'gc_project_manager', manager: 'gc_project_manager', assignees: ['owner_rep'], due: 'future' },
  { key: 'overdue', subject: 'Fire damper access panels', question: 'Are access panels required at every damper above the corridor ceiling?', status: 'open', number: 3, creator: 'superintendent', manager: 'superintendent', assignees: ['architect'], due: 'past' },
  { key: 'closed', subject: 'Slab edge embed spacing', question: 'May the embed spacing at the curtain wall be 1200 mm?', status: 'closed', number: 4, creator: 'superintendent', manager: 'gc_project_manager', assignees: ['architect'], due: 'past', reply: { by: 'architect', body: 'Yes, 1200 mm maximum, per detail 7/S-501.', official: true } },
  { key: 'draft', subject: 'Conduit route through plenum', question: 'May we route the lighting conduit through the return plenum above room 104?', status: 'draft', number: null, creator: 'subcontractor', manager: 'superintendent', assignees: ['architect'], due: null },
];

@Injectable()
export class RfisSeed implements OnModuleInit {
  constructor(private readonly registry: SeedRegistry) {}

  onModuleInit(): void {
    this.registry.register({ name: 'rfis', order: 20, templates: ['training'], run: (ctx) => this.seed(ctx) });
  }

  private async seed(ctx: SeedContext): Promise<void> {
    const m = ctx.manager;
    const projectId = ctx.idOf('projects', 'first');
    const person = (key: string) => ctx.idOf('personas', key);
    const today = ctx.now;
    const past = new Date(today.getTime() - 10 * 86400_000).toISOString().slice(0, 10);
    for (const r of RFIS) {
      const rfi = await ctx.insert(Rfi, 'rfis', r.key, {
        companyId: ctx.companyId,
        projectId,
        number: r.number,
        subject: r.subject,
        question: r.question,
        status: r.status,
        private: r.private ?? false,
        rfiManagerId: person(r.manager),
        createdById: person(r.creator),
        receivedFromId: person(r.creator),
        dueDate: r.due === 'past' ? past : r.due === 'future' ? addBusinessDays(today, 7) : null,
        costImpact: { status: 'tbd', value: null },
        scheduleImpact: { status: 'tbd', value: null },
        ballInCourtRole: r.status === 'draft' ? 'RFI Manager' : r.status === 'open' ? 'Assignees' : null,
        openedAt: r.status === 'draft' ? null : today,
        closedAt: r.status === 'closed' ? today : null,
      });
      for (const a of r.assignees) await m.query('INSERT INTO rfi_assignees (rfi_id, user_id) VALUES ($1, $2)', [rfi.id, person(a)]);
      for (const d of r.distribution ?? []) await m.query('INSERT INTO rfi_distribution (rfi_id, user_id) VALUES ($1, $2)', [rfi.id, person(d)]);
      if (r.reply) {
        const reply = await ctx.insert(RfiReply, 'rfi_replies', r.key, { rfiId: rfi.id, body: r.reply.body, draft: false, official: r.reply.official, createdById: person(r.reply.by) });
        if (r.reply.official) await m.query('UPDATE rfis SET official_reply_id = $2 WHERE id = $1', [rfi.id, reply.id]);
      }
    }
    const last = Math.max(...RFIS.map((r) => r.number ?? 0));
    await m.query(
      `INSERT INTO rfi_counters (project_id, last_number) VALUES ($1, $2) ON CONFLICT (project_id) DO UPDATE SET last_number = EXCLUDED.last_number`,
      [projectId, last],
    );
  }
}
