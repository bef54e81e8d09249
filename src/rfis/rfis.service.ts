import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { FilteredOutCause } from '../diagnose/filtered-out.cause';
import { AppError, FieldError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { clauseBuilder, FilterClause, likePattern, ListQuery, ListSpec, addOverdue, Page, sqlPage } from '../common/pagination';
import type { AccessSubject } from '../permissions/access-subject';
import { decide } from '../permissions/resolver';
import { editConflict, lockForEdit } from '../database/versioning';
import { addBusinessDays, dueDateError } from '../common/dates';
import { assertActiveMembers } from '../projects/active-members';
import { AttachmentsService } from '../uploads/attachments.service';
import { CreateRfiDto, UpdateRfiDto } from './dto/rfi.dto';
import { BallInCourtRole, Rfi } from './rfi.entities';
import { rfiViewer, rfiVisibility } from './rfi-visibility';
import { loadPeople, mapRfi, RFI_PAGE_VALUES, RfiPageRead } from './rfis.mapper';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { nowIn } from '../database/write-time';

export const RFI_LIST: ListSpec<'status' | 'assignee_id' | 'ball_in_court_id' | 'rfi_manager_id' | 'private' | 'overdue' | 'query', 'number' | 'id' | 'due_date' | 'created_at' | 'subject'> = {
  filters: {
    status: { kind: 'enum', values: ['draft', 'open', 'closed'] },
    assignee_id: { kind: 'int' },
    ball_in_court_id: { kind: 'int' },
    rfi_manager_id: { kind: 'int' },
    private: { kind: 'bool' },
    overdue: { kind: 'bool' },
    query: { kind: 'string' },
  },
  sorts: ['number', 'id', 'due_date', 'created_at', 'subject'],
  defaultSort: 'id',
};
export type RfiListQuery = ListQuery<keyof typeof RFI_LIST.filters, (typeof RFI_LIST.sorts)[number]>;

/** The list filters as SQL on `r` (rfis), one clause per filter, so diagnose can tell which one hides an RFI. */
export function filterClauses(f: RfiListQuery['filters'], today: string): FilterClause[] {
  const out: FilterClause[] = [];
  const add = clauseBuilder(out);
  add('status', f.status, (p) => `r.status = ${p}`);
  add('rfi_manager_id', f.rfi_manager_id, (p) => `r.rfi_manager_id = ${p}`);
  add('private', f.private, (p) => `r.private = ${p}`);
  add('assignee_id', f.assignee_id, (p) => `EXISTS (SELECT 1 FROM rfi_assignees a WHERE a.rfi_id = r.id AND a.user_id = ${p})`);
  add(
    'ball_in_court_id',
    f.ball_in_court_id,
    (p) => `((r.ball_in_court_role = 'RFI Manager' AND r.rfi_manager_id = ${p}) OR (r.ball_in_court_role = 'Creator' AND r.created_by_id = ${p})
      OR (r.ball_in_court_role = 'Assignees' AND EXISTS (SELECT 1 FROM rfi_assignees a WHERE a.rfi_id = r.id AND a.user_id = ${p})))`,
  );
  addOverdue(add, f.overdue, today);
  add('query', likePattern(f.query), (p) => `(r.subject ILIKE ${p} OR r.question ILIKE ${p} OR r.number::text ILIKE ${p})`);
  return out;
}

/** RFIs of a project: create (draft or open), list with privacy in the query, read, open. */
@Injectable()
export class RfisService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly changes: ChangeLog,
    private readonly filters: FilteredOutCause,
    private readonly attachments: AttachmentsService,
    private readonly clock: SandboxClock,
  ) {}

  onModuleInit(): void {
    this.attachments.registerTarget('rfi', {
      label: 'RFI',
      viewAction: 'rfis.view',
      canView: (subject, projectId, id) => this.canView(subject, projectId, id),
    });
    // A reply's files: seen by whoever sees the RFI and the reply (a draft reply only by its author).
    this.attachments.registerTarget('rfi_reply', {
      label: 'RFI reply',
      viewAction: 'rfis.view',
      canView: async (subject, projectId, replyId) => {
        const [reply]: { rfi_id: number; draft: boolean; created_by_id: number | null }[] = await this.db.query(
          'SELECT rfi_id, draft, created_by_id FROM rfi_replies WHERE id = $1',
          [replyId],
        );
        return !!reply && (!reply.draft || reply.created_by_id === subject.userId) && (await this.canView(subject, projectId, reply.rfi_id));
      },
    });
  }

  /** The privacy of rfis.view on one RFI of the project, as a yes or no. */
  async canView(subject: AccessSubject, projectId: number, id: number, m: EntityManager = this.db.manager): Promise<boolean> {
    const visible = rfiVisibility('r', rfiViewer(subject), 3);
    const [row] = await m.query(`SELECT 1 FROM rfis r WHERE r.id = $1 AND r.project_id = $2 AND ${visible.sql}`, [id, projectId, ...visible.params]);
    return !!row;
  }

  async list(subject: AccessSubject, projectId: number, q: RfiListQuery): Promise<Page<Record<string, unknown>>> {
    this.filters.remember('rfis', subject, projectId, q.filters);
    const today = await this.clock.today(subject.companyId);
    const order = { number: 'r.number', id: 'r.id', due_date: 'r.due_date', created_at: 'r.created_at', subject: 'r.subject' }[q.sort.field];
    // One round trip: the page's rows with their assignee and distribution ids, and the people and official replies they refer to.
    const { total, rows, values } = await sqlPage<Rfi, { assignee_ids: number[]; distribution_ids: number[]; has_uploads: boolean }, Omit<RfiPageRead, 'lists'>>(this.db, {
      entity: Rfi,
      projectId,
      clauses: filterClauses(q.filters, today),
      visibility: (first) => rfiVisibility('r', rfiViewer(subject), first),
      orderBy: `${order} ${q.sort.direction} NULLS LAST, r.id ASC`,
      extraColumns: {
        assignee_ids: 'ARRAY(SELECT a.user_id FROM rfi_assignees a WHERE a.rfi_id = r.id ORDER BY a.user_id)',
        distribution_ids: 'ARRAY(SELECT d.user_id FROM rfi_distribution d WHERE d.rfi_id = r.id ORDER BY d.user_id)',
        has_uploads: `EXISTS (SELECT 1 FROM uploads u WHERE u.attached_to_type = 'rfi' AND u.attached_to_id = r.id)`,
      },
      pageColumns: RFI_PAGE_VALUES,
      page: q.page,
      perPage: q.perPage,
    });
    const lists: RfiPageRead['lists'] = new Map(rows.map((row) => [row.id, { assignees: row.assignee_ids, distribution: row.distribution_ids, hasUploads: row.has_uploads }]));
    const people = await loadPeople(this.db, rows, subject.userId, today, { lists, users: values?.users ?? [], official: values?.official ?? [] });
    return Page.of(rows.map((r) => mapRfi(r, people)), total, q);
  }

  /** One RFI as the viewer may see it: 404 when it is not in the project, 403 when it is private to others. */
  async get(subject: AccessSubject, projectId: number, id: number, m: EntityManager = this.db.manager): Promise<Record<string, unknown>> {
    const rfi = await m.findOneBy(Rfi, { id, projectId });
    if (!rfi) throw AppError.notFound('RFI');
    await this.assertVisible(subject, rfi, m);
    return mapRfi(rfi, await loadPeople(m, [rfi], subject.userId, await this.clock.today(subject.companyId)));
  }

  async assertVisible(subject: AccessSubject, rfi: Rfi, m: EntityManager = this.db.manager): Promise<void> {
    if (await this.canView(subject, rfi.projectId, rfi.id, m)) return;
    const what = rfi.status === 'draft' ? 'a draft' : 'private';
    throw new AppError('permission_denied', `This RFI is ${what}: only Admins, its creator, RFI manager${rfi.status === 'draft' ? '' : ', assignees and distribution'} may open it.`, {
      action: 'rfis.view',
      layer: rfi.status === 'draft' ? 'item_state' : 'item_role',
      have: 'not involved in the RFI',
      need: rfi.status === 'draft' ? ['creator', 'rfi_manager', 'admin'] : ['creator', 'rfi_manager', 'assignee', 'distribution', 'admin', 'rfis.view_private_rfis_same_company'],
      item_id: rfi.id,
    });
  }

  async create(subject: AccessSubject, projectId: number, dto: CreateRfiDto, actor: Actor): Promise<Record<string, unknown>> {
    const mayOpen = decide('rfis.create_open', subject).outcome === 'allowed';
    const draft = dto.draft ?? !mayOpen;
    if (!draft && !mayOpen) {
      const d = decide('rfis.create_open', subject).denial!;
      throw new AppError('permission_denied', `${d.message} Create it as a draft instead; the RFI manager opens it.`, {
        action: 'rfis.create_open',
        layer: d.layer,
        have: d.have,
        need: d.need,
      });
    }
    const errors: FieldError[] = [];
    const due = dueDateError('due_date', dto.due_date, await this.clock.today(subject.companyId));
    if (due) errors.push(due);
    if (!draft && !dto.rfi_manager_id) errors.push({ field: 'rfi_manager_id', message: 'is required to open an RFI' });
    if (errors.length) throw AppError.validation(errors);
    const created = await this.clock.transaction(subject.companyId, async (m) => {
      await this.checkMembers(m, projectId, dto);
      const rfi = await m.save(
        m.create(Rfi, {
          companyId: subject.companyId,
          projectId,
          subject: dto.subject,
          question: dto.question,
          status: 'draft',
          private: dto.private ?? false,
          rfiManagerId: dto.rfi_manager_id ?? null,
          createdById: actor.userId,
          receivedFromId: dto.received_from_id ?? actor.userId,
          dueDate: dto.due_date ?? null,
          costImpact: { status: dto.cost_impact?.status ?? 'tbd', value: dto.cost_impact?.value ?? null },
          scheduleImpact: { status: dto.schedule_impact?.status ?? 'tbd', value: dto.schedule_impact?.value ?? null },
          ballInCourtRole: 'RFI Manager',
        }),
      );
      for (const userId of new Set(dto.assignee_ids ?? [])) await m.query('INSERT INTO rfi_assignees (rfi_id, user_id) VALUES ($1, $2)', [rfi.id, userId]);
      for (const userId of new Set(dto.distribution_ids ?? [])) await m.query('INSERT INTO rfi_distribution (rfi_id, user_id) VALUES ($1, $2)', [rfi.id, userId]);
      await this.attachments.attach(m, projectId, actor.userId, dto.upload_ids, 'rfi', rfi.id);
      if (!draft) await this.openIn(m, rfi);
      await this.changes.recordRow(m, Rfi, rfi.id, { companyId: subject.companyId, projectId, resource: 'RFIs', eventType: 'create', actor });
      return rfi.id;
    });
    return this.get(subject, projectId, created);
  }

  /** `actions/open`: a draft gets its number (sequential per project, never reused) and goes to the assignees. */
  async open(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const rfi = await lockForEdit(m, Rfi, { id, projectId }, 'RFI', undefined);
      await this.assertVisible(subject, rfi, m);
      if (expected !== undefined && expected !== rfi.version) throw editConflict('RFI', rfi.version, expected);
      if (rfi.status !== 'draft') throw AppError.invalidTransition('open the RFI', rfi.status, rfi.status === 'closed' ? ['reopen'] : ['close']);
      if (!rfi.rfiManagerId) throw AppError.field('rfi_manager_id', 'must be set before the RFI is opened');
      await this.openIn(m, rfi);
      await this.changes.recordRow(m, Rfi, rfi.id, { companyId: subject.companyId, projectId, resource: 'RFIs', eventType: 'update', actor });
    });
    return this.get(subject, projectId, id);
  }

  /** PATCH: edit fields, people and privacy (Admin; a Standard creator while the RFI is a draft, settled by the item policy). */
  async update(subject: AccessSubject, projectId: number, id: number, dto: UpdateRfiDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    const due = dueDateError('due_date', dto.due_date, await this.clock.today(subject.companyId));
    if (due) throw AppError.validation([due]);
    await this.clock.transaction(subject.companyId, async (m) => {
      const rfi = await lockForEdit(m, Rfi, { id, projectId }, 'RFI', expected);
      if (rfi.status === 'closed') throw AppError.invalidTransition('edit the RFI', 'closed', ['reopen']);
      await this.checkMembers(m, projectId, dto);
      await m.update(Rfi, { id }, {
        ...(dto.subject !== undefined && { subject: dto.subject }),
        ...(dto.question !== undefined && { question: dto.question }),
        ...(dto.rfi_manager_id !== undefined && { rfiManagerId: dto.rfi_manager_id }),
        ...(dto.private !== undefined && { private: dto.private }),
        ...(dto.due_date !== undefined && { dueDate: dto.due_date }),
        ...(dto.cost_impact !== undefined && { costImpact: { status: dto.cost_impact.status, value: dto.cost_impact.value ?? null } }),
        ...(dto.schedule_impact !== undefined && { scheduleImpact: { status: dto.schedule_impact.status, value: dto.schedule_impact.value ?? null } }),
        version: rfi.version + 1,
      });
      for (const [table, ids] of [['rfi_assignees', dto.assignee_ids], ['rfi_distribution', dto.distribution_ids]] as const) {
        if (ids === undefined) continue;
        await m.query(`DELETE FROM ${table} WHERE rfi_id = $1`, [id]);
        for (const userId of new Set(ids)) await m.query(`INSERT INTO ${table} (rfi_id, user_id) VALUES ($1, $2)`, [id, userId]);
      }
      await this.attachments.attach(m, projectId, actor.userId, dto.upload_ids, 'rfi', id);
      await this.changes.recordRow(m, Rfi, id, { companyId: subject.companyId, projectId, resource: 'RFIs', eventType: 'update', actor });
    });
    return this.get(subject, projectId, id);
  }

  /** `actions/close` (open → closed) and `actions/reopen` (closed → open, back to the assignees). */
  async setClosed(subject: AccessSubject, projectId: number, id: number, close: boolean, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const rfi = await lockForEdit(m, Rfi, { id, projectId }, 'RFI', expected);
      const from = close ? 'open' : 'closed';
      if (rfi.status !== from) {
        throw AppError.invalidTransition(close ? 'close the RFI' : 'reopen the RFI', rfi.status, rfi.status === 'draft' ? ['open'] : rfi.status === 'open' ? ['close'] : ['reopen']);
      }
      await m.update(Rfi, { id }, {
        status: close ? 'closed' : 'open',
        closedAt: close ? nowIn(m) : null,
        ballInCourtRole: close ? null : await this.openCourt(m, id),
        version: rfi.version + 1,
      });
      await this.changes.recordRow(m, Rfi, id, { companyId: subject.companyId, projectId, resource: 'RFIs', eventType: 'update', actor });
    });
    return this.get(subject, projectId, id);
  }

  async remove(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const rfi = await lockForEdit(m, Rfi, { id, projectId }, 'RFI', expected);
      await this.changes.recordRow(m, Rfi, rfi, { companyId: subject.companyId, projectId, resource: 'RFIs', eventType: 'delete', actor });
      const replies: { id: number }[] = await m.query('SELECT id FROM rfi_replies WHERE rfi_id = $1', [id]);
      await this.attachments.removeFor(m, 'rfi', [id]);
      await this.attachments.removeFor(m, 'rfi_reply', replies.map((r) => r.id));
      await m.delete(Rfi, { id });
    });
  }

  /** Court when an RFI is (re)opened: its assignees, or its manager when it has none. */
  private async openCourt(m: EntityManager, rfiId: number): Promise<BallInCourtRole> {
    const [{ n }] = await m.query('SELECT count(*)::int AS n FROM rfi_assignees WHERE rfi_id = $1', [rfiId]);
    return n > 0 ? 'Assignees' : 'RFI Manager';
  }

  private async openIn(m: EntityManager, rfi: Rfi): Promise<void> {
    const [project] = await m.query('SELECT settings FROM projects WHERE id = $1', [rfi.projectId]);
    const dueDays = (project?.settings?.rfi_due_days as number | undefined) ?? 7;
    const [{ last_number: number }] = await m.query(
      `INSERT INTO rfi_counters (project_id, last_number) VALUES ($1, 1)
       ON CONFLICT (project_id) DO UPDATE SET last_number = rfi_counters.last_number + 1 RETURNING last_number`,
      [rfi.projectId],
    );
    await m.update(Rfi, { id: rfi.id }, {
      number,
      status: 'open',
      openedAt: nowIn(m),
      ballInCourtRole: await this.openCourt(m, rfi.id),
      dueDate: rfi.dueDate ?? addBusinessDays(nowIn(m), dueDays),
      version: rfi.version + 1,
    });
  }

  /** The manager, assignees, distribution and received-from must be active members of the project. */
  private checkMembers(m: EntityManager, projectId: number, dto: Pick<CreateRfiDto, 'assignee_ids' | 'distribution_ids' | 'received_from_id'> & { rfi_manager_id?: number | null }): Promise<void> {
    return assertActiveMembers(m, projectId, [
      ['rfi_manager_id', dto.rfi_manager_id ? [dto.rfi_manager_id] : []],
      ['assignee_ids', dto.assignee_ids ?? []],
      ['distribution_ids', dto.distribution_ids ?? []],
      ['received_from_id', dto.received_from_id ? [dto.received_from_id] : []],
    ]);
  }
}
