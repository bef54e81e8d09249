import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { dueDateError } from '../common/dates';
import { AppError, FieldError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { clauseBuilder, FilterClause, likePattern, ListQuery, ListSpec, addOverdue, Page, sqlPage } from '../common/pagination';
import { lockForEdit } from '../database/versioning';
import { FilteredOutCause } from '../diagnose/filtered-out.cause';
import type { AccessSubject } from '../permissions/access-subject';
import { assertActiveMembers } from '../projects/active-members';
import { AttachmentsService } from '../uploads/attachments.service';
import { CreateSubmittalDto, DistributeDto, UpdateSubmittalDto, WorkflowStepDto } from './dto/submittal.dto';
import { submittalViewer, submittalVisibility } from './submittal-visibility';
import { Submittal } from './submittal.entities';
import { loadSubmittalPeople, mapSubmittal } from './submittals.mapper';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { nowIn } from '../database/write-time';

export const SUBMITTAL_LIST: ListSpec<
  'status' | 'workflow_state' | 'ball_in_court_id' | 'submittal_manager_id' | 'approver_id' | 'package_id' | 'private' | 'overdue' | 'query',
  'number' | 'id' | 'due_date' | 'created_at' | 'title'
> = {
  filters: {
    status: { kind: 'enum', values: ['draft', 'open', 'closed'] },
    workflow_state: { kind: 'enum', values: ['not_started', 'in_review', 'returned', 'complete'] },
    ball_in_court_id: { kind: 'int' },
    submittal_manager_id: { kind: 'int' },
    approver_id: { kind: 'int' },
    package_id: { kind: 'int' },
    private: { kind: 'bool' },
    overdue: { kind: 'bool' },
    query: { kind: 'string' },
  },
  sorts: ['number', 'id', 'due_date', 'created_at', 'title'],
  defaultSort: 'id',
};
export type SubmittalListQuery = ListQuery<keyof typeof SUBMITTAL_LIST.filters, (typeof SUBMITTAL_LIST.sorts)[number]>;

/** Court as SQL on `r`: the current step's approvers without a submitted response, or the manager. */
const inCourt = (p: string) => `((r.ball_in_court_role = 'Submittal Manager' AND r.submittal_manager_id = ${p})
  OR (r.ball_in_court_role = 'Approvers' AND EXISTS (SELECT 1 FROM submittal_approvers a WHERE a.submittal_id = r.id AND a.step = r.current_step AND a.user_id = ${p}
      AND NOT EXISTS (SELECT 1 FROM submittal_responses x WHERE x.approver_id = a.id AND NOT x.draft))))`;

/** The list filters as SQL on `r` (submittals), one clause per filter, so diagnose can tell which one hides a submittal. */
export function submittalFilterClauses(f: SubmittalListQuery['filters'], today: string): FilterClause[] {
  const out: FilterClause[] = [];
  const add = clauseBuilder(out);
  add('status', f.status, (p) => `r.status = ${p}`);
  add('workflow_state', f.workflow_state, (p) => `r.workflow_state = ${p}`);
  add('submittal_manager_id', f.submittal_manager_id, (p) => `r.submittal_manager_id = ${p}`);
  add('package_id', f.package_id, (p) => `r.package_id = ${p}`);
  add('private', f.private, (p) => `r.private = ${p}`);
  add('approver_id', f.approver_id, (p) => `EXISTS (SELECT 1 FROM submittal_approvers a WHERE a.submittal_id = r.id AND a.user_id = ${p})`);
  add('ball_in_court_id', f.ball_in_court_id, inCourt);
  addOverdue(add, f.overdue, today);
  add('query', likePattern(f.query), (p) => `(r.title ILIKE ${p} OR r.description ILIKE ${p} OR r.number::text ILIKE ${p})`);
  return out;
}

/** Submittals of a project: create, list with privacy in the query, edit, submit, distribute, close, revise, delete. */
@Injectable()
export class SubmittalsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly changes: ChangeLog,
    private readonly filters: FilteredOutCause,
    private readonly attachments: AttachmentsService,
    private readonly clock: SandboxClock,
  ) {}

  onModuleInit(): void {
    this.attachments.registerTarget('submittal', {
      label: 'submittal',
      viewAction: 'submittals.view',
      canView: (subject, projectId, id) => this.canView(subject, projectId, id),
    });
  }

  /** The privacy of submittals.view on one submittal of the project, as a yes or no. */
  async canView(subject: AccessSubject, projectId: number, id: number, m: EntityManager = this.db.manager): Promise<boolean> {
    const visible = submittalVisibility('r', submittalViewer(subject), 3);
    const [row] = await m.query(`SELECT 1 FROM submittals r WHERE r.id = $1 AND r.project_id = $2 AND ${visible.sql}`, [id, projectId, ...visible.params]);
    return !!row;
  }

  /** A page of the submittals the viewer may see; `remember` keeps the filters for diagnose (the user's own list view). */
  async list(subject: AccessSubject, projectId: number, q: SubmittalListQuery, remember = true): Promise<Page<Record<string, unknown>>> {
    if (remember) this.filters.remember('submittals', subject, projectId, q.filters);
    const today = await this.clock.today(subject.companyId);
    const order = { number: 'r.number', id: 'r.id', due_date: 'r.due_date', created_at: 'r.created_at', title: 'r.title' }[q.sort.field];
    const { total, rows: page } = await sqlPage(this.db, {
      entity: Submittal,
      projectId,
      clauses: submittalFilterClauses(q.filters, today),
      visibility: (first) => submittalVisibility('r', submittalViewer(subject), first),
      orderBy: `${order} ${q.sort.direction} NULLS LAST, r.revision ${q.sort.direction}, r.id ASC`,
      page: q.page,
      perPage: q.perPage,
    });
    const people = await loadSubmittalPeople(this.db, page, subject.userId, today);
    return Page.of(page.map((s) => mapSubmittal(s, people, subject.userId)), total, q);
  }

  /** One submittal as the viewer may see it: 404 when it is not in the project, 403 when private to others or a draft. */
  async get(subject: AccessSubject, projectId: number, id: number, m: EntityManager = this.db.manager): Promise<Record<string, unknown>> {
    const s = await m.findOneBy(Submittal, { id, projectId });
    if (!s) throw AppError.notFound('Submittal');
    await this.assertVisible(subject, s, m);
    return mapSubmittal(s, await loadSubmittalPeople(m, [s], subject.userId, await this.clock.today(subject.companyId)), subject.userId);
  }

  async assertVisible(subject: AccessSubject, s: Submittal, m: EntityManager = this.db.manager): Promise<void> {
    if (await this.canView(subject, s.projectId, s.id, m)) return;
    const draft = s.status === 'draft';
    throw new AppError(
      'permission_denied',
      draft
        ? 'This submittal is a draft: only Admins, its creator and its submittal manager may open it.'
        : 'This submittal is private: only Admins, its creator, submittal manager, workflow approvers and distribution may open it.',
      {
        action: 'submittals.view',
        layer: draft ? 'item_state' : 'item_role',
        have: 'not involved in the submittal',
        need: draft ? ['creator', 'submittal_manager', 'admin'] : ['creator', 'submittal_manager', 'workflow_approver', 'distribution', 'admin', 'submittals.view_private_submittals_same_company'],
        item_id: s.id,
      },
    );
  }

  async create(subject: AccessSubject, projectId: number, dto: CreateSubmittalDto, actor: Actor): Promise<Record<string, unknown>> {
    const errors = [dueDateError('due_date', dto.due_date, await this.clock.today(subject.companyId)), ...workflowErrors(dto.workflow)].filter((e): e is FieldError => e !== null);
    if (errors.length) throw AppError.validation(errors);
    const id = await this.clock.transaction(subject.companyId, async (m) => {
      await this.checkReferences(m, subject.companyId, projectId, dto);
      const [creator]: { vendor_id: number | null; own: boolean | null }[] = await m.query(
        'SELECT u.vendor_id, v.is_own_company AS own FROM users u LEFT JOIN vendors v ON v.id = u.vendor_id WHERE u.id = $1',
        [actor.userId],
      );
      // A subcontractor's submittal (its creator works for another company than the project's) is private unless they say otherwise.
      const fromSubcontractor = creator?.vendor_id != null && creator.own === false;
      const [{ last_submittal: number }] = await m.query(
        `INSERT INTO submittal_counters (project_id, last_submittal) VALUES ($1, 1)
         ON CONFLICT (project_id) DO UPDATE SET last_submittal = submittal_counters.last_submittal + 1 RETURNING last_submittal`,
        [projectId],
      );
      const s = await m.save(
        m.create(Submittal, {
          companyId: subject.companyId,
          projectId,
          number,
          revision: 0,
          title: dto.title,
          description: dto.description ?? '',
          status: 'draft',
          private: dto.private ?? fromSubcontractor,
          submittalManagerId: dto.submittal_manager_id ?? null,
          createdById: actor.userId,
          receivedFromId: dto.received_from_id ?? actor.userId,
          responsibleContractorId: dto.responsible_contractor_id ?? (fromSubcontractor ? creator.vendor_id : null),
          packageId: dto.package_id ?? null,
          dueDate: dto.due_date ?? null,
          workflowState: 'not_started',
          ballInCourtRole: 'Submittal Manager',
        }),
      );
      await this.writePeople(m, s.id, dto.distribution_ids, dto.workflow);
      await this.attachments.attach(m, projectId, actor.userId, dto.upload_ids, 'submittal', s.id);
      await this.changes.recordRow(m, Submittal, s.id, { companyId: subject.companyId, projectId, resource: 'Submittals', eventType: 'create', actor });
      return s.id;
    });
    return this.get(subject, projectId, id);
  }

  /** PATCH: Admin; a Standard creator on their own draft (the item policy settles that). The workflow is fixed once submitted. */
  async update(subject: AccessSubject, projectId: number, id: number, dto: UpdateSubmittalDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    const errors = [dueDateError('due_date', dto.due_date, await this.clock.today(subject.companyId)), ...workflowErrors(dto.workflow)].filter((e): e is FieldError => e !== null);
    if (errors.length) throw AppError.validation(errors);
    await this.clock.transaction(subject.companyId, async (m) => {
      const s = await lockForEdit(m, Submittal, { id, projectId }, 'Submittal', expected);
      if (s.status === 'closed') throw AppError.invalidTransition('edit the submittal', 'closed', ['revise']);
      if (dto.workflow !== undefined && s.status !== 'draft') {
        throw AppError.invalidTransition('replace the workflow of a submitted submittal', s.status, ['revise']);
      }
      await this.checkReferences(m, subject.companyId, projectId, dto);
      await m.update(Submittal, { id }, {
        ...(dto.title !== undefined && { title: dto.title }),
        ...(dto.description !== undefined && { description: dto.description }),
        ...(dto.submittal_manager_id !== undefined && { submittalManagerId: dto.submittal_manager_id }),
        ...(dto.private !== undefined && { private: dto.private }),
        ...(dto.package_id !== undefined && { packageId: dto.package_id }),
        ...(dto.due_date !== undefined && { dueDate: dto.due_date }),
        ...(dto.received_from_id !== undefined && { receivedFromId: dto.received_from_id }),
        ...(dto.responsible_contractor_id !== undefined && { responsibleContractorId: dto.responsible_contractor_id }),
        version: s.version + 1,
      });
      if (dto.distribution_ids !== undefined) await m.query('DELETE FROM submittal_distribution WHERE submittal_id = $1', [id]);
      if (dto.workflow !== undefined) await m.query('DELETE FROM submittal_approvers WHERE submittal_id = $1', [id]);
      await this.writePeople(m, id, dto.distribution_ids, dto.workflow);
      await this.attachments.attach(m, projectId, actor.userId, dto.upload_ids, 'submittal', id);
      await this.changes.recordRow(m, Submittal, id, { companyId: subject.companyId, projectId, resource: 'Submittals', eventType: 'update', actor });
    });
    return this.get(subject, projectId, id);
  }

  /** `actions/submit`: a draft opens with court at step 1's approvers. */
  async submit(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const s = await lockForEdit(m, Submittal, { id, projectId }, 'Submittal', expected);
      if (s.status !== 'draft') throw AppError.invalidTransition('submit the submittal', s.status, s.status === 'open' ? ['distribute', 'close', 'revise'] : ['revise']);
      const [{ steps }] = await m.query('SELECT count(DISTINCT step)::int AS steps FROM submittal_approvers WHERE submittal_id = $1', [id]);
      const errors: FieldError[] = [];
      if (!s.submittalManagerId) errors.push({ field: 'submittal_manager_id', message: 'must be set before the submittal is submitted' });
      if (steps === 0) errors.push({ field: 'workflow', message: 'must have at least one step with an approver before the submittal is submitted' });
      if (errors.length) throw AppError.validation(errors, 'The submittal is not ready to submit.');
      await this.touch(m, subject, s, { status: 'open', workflowState: 'in_review', currentStep: 1, ballInCourtRole: 'Approvers', submittedAt: nowIn(m) }, actor);
    });
    return this.get(subject, projectId, id);
  }

  /** `actions/distribute`: once the workflow is through (or returned), the manager sends the result to the distribution. */
  async distribute(subject: AccessSubject, projectId: number, id: number, dto: DistributeDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const s = await lockForEdit(m, Submittal, { id, projectId }, 'Submittal', expected);
      if (s.status !== 'open' || (s.workflowState !== 'complete' && s.workflowState !== 'returned')) {
        throw AppError.invalidTransition(
          'distribute the submittal',
          s.status === 'open' ? `open with its workflow ${s.workflowState === 'in_review' ? `at step ${s.currentStep}` : s.workflowState}` : s.status,
          s.status === 'draft' ? ['submit'] : s.status === 'closed' ? ['revise'] : ['respond'],
        );
      }
      await assertActiveMembers(m, projectId, [['distribution_ids', dto.distribution_ids ?? []]]);
      for (const userId of new Set(dto.distribution_ids ?? [])) {
        await m.query('INSERT INTO submittal_distribution (submittal_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, userId]);
      }
      await this.touch(m, subject, s, { distributedAt: nowIn(m) }, actor);
    });
    return this.get(subject, projectId, id);
  }

  /** `actions/close`: an open submittal is closed; nobody holds the ball. */
  async close(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const s = await lockForEdit(m, Submittal, { id, projectId }, 'Submittal', expected);
      if (s.status !== 'open') throw AppError.invalidTransition('close the submittal', s.status, s.status === 'draft' ? ['submit'] : ['revise']);
      await this.touch(m, subject, s, { status: 'closed', closedAt: nowIn(m), ballInCourtRole: null }, actor);
    });
    return this.get(subject, projectId, id);
  }

  /**
   * `actions/revise`: revision N+1 of the latest revision, a draft with the same
   * number, people and steps, every approver pending again. An open previous
   * revision is closed.
   */
  async revise(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    const created = await this.clock.transaction(subject.companyId, async (m) => {
      const s = await lockForEdit(m, Submittal, { id, projectId }, 'Submittal', expected);
      const [{ latest }] = await m.query('SELECT max(revision)::int AS latest FROM submittals WHERE project_id = $1 AND number = $2', [projectId, s.number]);
      if (latest !== s.revision) throw AppError.invalidTransition('revise the submittal', `revision ${s.revision} of ${latest}`, [`revise revision ${latest}`]);
      const revisable = s.status === 'closed' || (s.status === 'open' && (s.workflowState === 'returned' || s.workflowState === 'complete'));
      if (!revisable) {
        throw AppError.invalidTransition('revise the submittal', s.status === 'open' ? `open with its workflow at step ${s.currentStep}` : s.status, s.status === 'draft' ? ['submit'] : ['respond', 'close']);
      }
      const next = await m.save(
        m.create(Submittal, {
          companyId: s.companyId,
          projectId,
          number: s.number,
          revision: s.revision + 1,
          title: s.title,
          description: s.description,
          status: 'draft',
          private: s.private,
          submittalManagerId: s.submittalManagerId,
          createdById: actor.userId,
          receivedFromId: s.receivedFromId,
          responsibleContractorId: s.responsibleContractorId,
          packageId: s.packageId,
          dueDate: null,
          workflowState: 'not_started',
          ballInCourtRole: 'Submittal Manager',
          previousRevisionId: s.id,
        }),
      );
      await m.query('INSERT INTO submittal_distribution (submittal_id, user_id) SELECT $2, user_id FROM submittal_distribution WHERE submittal_id = $1', [s.id, next.id]);
      await m.query('INSERT INTO submittal_approvers (submittal_id, step, user_id, required) SELECT $2, step, user_id, required FROM submittal_approvers WHERE submittal_id = $1', [s.id, next.id]);
      if (s.status === 'open') await this.touch(m, subject, s, { status: 'closed', closedAt: nowIn(m), ballInCourtRole: null }, actor);
      await this.changes.recordRow(m, Submittal, next.id, { companyId: subject.companyId, projectId, resource: 'Submittals', eventType: 'create', actor });
      return next.id;
    });
    return this.get(subject, projectId, created);
  }

  async remove(subject: AccessSubject, projectId: number, id: number, expected: number | undefined, actor: Actor): Promise<void> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const s = await lockForEdit(m, Submittal, { id, projectId }, 'Submittal', expected);
      await this.changes.recordRow(m, Submittal, s, { companyId: subject.companyId, projectId, resource: 'Submittals', eventType: 'delete', actor });
      await this.attachments.removeFor(m, 'submittal', [id]);
      await m.delete(Submittal, { id });
    });
  }

  /** Writes a change to a locked submittal with the next version, and records it. */
  async touch(m: EntityManager, subject: AccessSubject, s: Submittal, patch: Partial<Submittal>, actor: Actor): Promise<void> {
    await m.update(Submittal, { id: s.id }, { ...patch, version: s.version + 1 });
    s.version += 1;
    await this.changes.recordRow(m, Submittal, s.id, { companyId: subject.companyId, projectId: s.projectId, resource: 'Submittals', eventType: 'update', actor });
  }

  private async writePeople(m: EntityManager, id: number, distribution: number[] | undefined, workflow: WorkflowStepDto[] | undefined): Promise<void> {
    for (const userId of new Set(distribution ?? [])) await m.query('INSERT INTO submittal_distribution (submittal_id, user_id) VALUES ($1, $2)', [id, userId]);
    for (const [i, step] of (workflow ?? []).entries()) {
      for (const a of step.approvers) {
        await m.query('INSERT INTO submittal_approvers (submittal_id, step, user_id, required) VALUES ($1, $2, $3, $4)', [id, i + 1, a.user_id, a.required ?? true]);
      }
    }
  }

  /** People must be active project members; the package must be this project's, the contractor a vendor of this company. */
  private async checkReferences(m: EntityManager, companyId: number, projectId: number, dto: UpdateSubmittalDto): Promise<void> {
    await assertActiveMembers(m, projectId, [
      ['submittal_manager_id', dto.submittal_manager_id ? [dto.submittal_manager_id] : []],
      ['received_from_id', dto.received_from_id ? [dto.received_from_id] : []],
      ['distribution_ids', dto.distribution_ids ?? []],
      ...(dto.workflow ?? []).map((step, i): [string, number[]] => [`workflow[${i}].approvers`, step.approvers.map((a) => a.user_id)]),
    ]);
    const errors: FieldError[] = [];
    if (dto.package_id !== undefined) {
      const [p] = await m.query('SELECT 1 FROM submittal_packages WHERE id = $1 AND project_id = $2', [dto.package_id, projectId]);
      if (!p) errors.push({ field: 'package_id', message: `${dto.package_id} is not a submittal package of this project` });
    }
    if (dto.responsible_contractor_id !== undefined) {
      const [v] = await m.query('SELECT 1 FROM vendors WHERE id = $1 AND company_id = $2', [dto.responsible_contractor_id, companyId]);
      if (!v) errors.push({ field: 'responsible_contractor_id', message: `${dto.responsible_contractor_id} is not a vendor of this company` });
    }
    if (errors.length) throw AppError.validation(errors);
  }
}

/** An approver may appear once per step. */
function workflowErrors(workflow: WorkflowStepDto[] | undefined): FieldError[] {
  return (workflow ?? []).flatMap((step, i) => {
    const ids = step.approvers.map((a) => a.user_id);
    const twice = [...new Set(ids.filter((id, j) => ids.indexOf(id) !== j))];
    return twice.length ? [{ field: `workflow[${i}].approvers`, message: `${twice.join(', ')} appear${twice.length > 1 ? '' : 's'} more than once in this step` }] : [];
  });
}
