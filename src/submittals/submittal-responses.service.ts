import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { editConflict, lockForEdit } from '../database/versioning';
import { userRef } from '../directory/directory.mappers';
import type { AccessSubject } from '../permissions/access-subject';
import { CreateResponseDto, UpdateResponseDto } from './dto/response.dto';
import { RETURNING_RESPONSES, Submittal, SubmittalApprover, SubmittalResponse } from './submittal.entities';
import { SubmittalsService } from './submittals.service';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { nowIn } from '../database/write-time';

async function mapResponses(m: EntityManager, rows: SubmittalResponse[]): Promise<Record<string, unknown>[]> {
  const approverIds = rows.map((r) => r.approverId);
  const approvers: { id: number; step: number; user_id: number; name: string; email: string }[] = approverIds.length
    ? await m.query('SELECT a.id, a.step, a.user_id, u.name, u.email FROM submittal_approvers a JOIN users u ON u.id = a.user_id WHERE a.id = ANY($1)', [approverIds])
    : [];
  const byId = new Map(approvers.map((a) => [a.id, a]));
  return rows.map((r) => {
    const a = byId.get(r.approverId);
    return {
      id: r.id,
      response: r.response,
      comment: r.comment,
      draft: r.draft,
      step: a?.step ?? null,
      approver: a ? userRef({ id: a.user_id, name: a.name, email: a.email }) : null,
      responded_at: r.respondedAt?.toISOString() ?? null,
      version: r.version,
      created_at: r.createdAt.toISOString(),
      updated_at: r.updatedAt.toISOString(),
    };
  });
}

/** Why a user is not in court on a submittal, in words; null when they are. */
export async function notInCourt(m: EntityManager, s: Submittal, userId: number): Promise<{ message: string; have: unknown; need: unknown } | null> {
  const label = `Submittal #${s.number}${s.revision ? ` rev ${s.revision}` : ''}`;
  if (s.status !== 'open' || s.workflowState !== 'in_review' || s.currentStep === null) {
    const where = s.status === 'draft' ? 'a draft, not submitted yet' : s.status === 'closed' ? 'closed' : `with its submittal manager (workflow ${s.workflowState})`;
    return { message: `${label} is ${where}: no approver is in court.`, have: s.status === 'open' ? s.workflowState : s.status, need: 'in_review' };
  }
  const steps: { step: number; submitted: boolean }[] = await m.query(
    `SELECT a.step, EXISTS (SELECT 1 FROM submittal_responses r WHERE r.approver_id = a.id AND NOT r.draft) AS submitted
       FROM submittal_approvers a WHERE a.submittal_id = $1 AND a.user_id = $2 ORDER BY a.step`,
    [s.id, userId],
  );
  const current = steps.find((x) => x.step === s.currentStep);
  if (current && !current.submitted) return null;
  const court: { name: string }[] = await m.query(
    `SELECT u.name FROM submittal_approvers a JOIN users u ON u.id = a.user_id
      WHERE a.submittal_id = $1 AND a.step = $2 AND NOT EXISTS (SELECT 1 FROM submittal_responses r WHERE r.approver_id = a.id AND NOT r.draft) ORDER BY a.id`,
    [s.id, s.currentStep],
  );
  const holders = court.map((c) => c.name).join(', ') || 'nobody';
  const why = current
    ? 'you have already submitted your response to this step'
    : steps.length
      ? `you approve at step ${steps.map((x) => x.step).join(', ')}, and the workflow is at step ${s.currentStep}`
      : 'you are not an approver of its workflow';
  return {
    message: `Only the ball-in-court approver may respond to ${label}: ${why}. Court is with ${holders} (step ${s.currentStep}).`,
    have: current ? 'responded' : steps.length ? { approver_at_steps: steps.map((x) => x.step) } : 'not an approver',
    need: { ball_in_court_approver_at_step: s.currentStep },
  };
}

/**
 * Responses to a submittal's workflow step. A draft holds the step and shows
 * to its author only; a submitted response may complete the step (every
 * required approver has submitted), move court to the next step or back to
 * the manager (last step, or revise and resubmit / rejected).
 */
@Injectable()
export class SubmittalResponsesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly submittals: SubmittalsService,
    private readonly changes: ChangeLog,
    private readonly clock: SandboxClock,
  ) {}

  async list(subject: AccessSubject, projectId: number, submittalId: number): Promise<Record<string, unknown>[]> {
    await this.submittals.get(subject, projectId, submittalId);
    const rows = await this.db
      .getRepository(SubmittalResponse)
      .createQueryBuilder('r')
      .where('r.submittalId = :submittalId', { submittalId })
      .andWhere('(NOT r.draft OR r.createdById = :me)', { me: subject.userId })
      .orderBy('r.id', 'ASC')
      .getMany();
    return mapResponses(this.db.manager, rows);
  }

  async create(subject: AccessSubject, projectId: number, submittalId: number, dto: CreateResponseDto, actor: Actor): Promise<Record<string, unknown>> {
    const row = await this.clock.transaction(subject.companyId, async (m) => {
      const s = await lockForEdit(m, Submittal, { id: submittalId, projectId }, 'Submittal', undefined);
      await this.assertInCourt(m, s, actor.userId);
      const approver = await m.findOneByOrFail(SubmittalApprover, { submittalId, step: s.currentStep!, userId: actor.userId });
      const existing = await m.findOneBy(SubmittalResponse, { approverId: approver.id });
      if (existing) {
        // Only a draft can exist here: a submitted response takes its approver out of court.
        throw new AppError('invalid_transition', `You already saved a draft response (${existing.id}) to this step; submit or change it with PATCH .../responses/${existing.id}.`, {
          from: 'draft_saved',
          allowed: [`PATCH responses/${existing.id}`],
          response_id: existing.id,
        });
      }
      const draft = dto.draft ?? false;
      const saved = await m.save(
        m.create(SubmittalResponse, {
          submittalId,
          approverId: approver.id,
          response: dto.response,
          comment: dto.comment ?? '',
          draft,
          createdById: actor.userId,
          respondedAt: draft ? null : nowIn(m),
        }),
      );
      if (!draft) await this.afterSubmit(m, subject, s, dto.response, actor);
      return saved;
    });
    return (await mapResponses(this.db.manager, [row]))[0];
  }

  /** Changes or submits (draft: false) the caller's own draft response. A submitted response is final. */
  async update(subject: AccessSubject, projectId: number, submittalId: number, responseId: number, dto: UpdateResponseDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    const row = await this.clock.transaction(subject.companyId, async (m) => {
      const s = await lockForEdit(m, Submittal, { id: submittalId, projectId }, 'Submittal', undefined);
      const r = await m.findOneBy(SubmittalResponse, { id: responseId, submittalId });
      if (!r || (r.draft && r.createdById !== actor.userId)) throw AppError.notFound('Response');
      if (r.createdById !== actor.userId) {
        throw new AppError('permission_denied', 'Only its approver may change a response.', { action: 'submittals.respond', layer: 'item_role', have: 'not the author', need: 'creator' });
      }
      if (expected !== undefined && expected !== r.version) throw editConflict('The response', r.version, expected);
      if (!r.draft) throw AppError.invalidTransition('change a submitted response', 'submitted', []);
      if (dto.draft === true && dto.response === undefined && dto.comment === undefined) return r;
      await this.assertInCourt(m, s, actor.userId);
      const submitting = dto.draft === false;
      const response = dto.response ?? r.response;
      await m.update(SubmittalResponse, { id: r.id }, {
        response,
        ...(dto.comment !== undefined && { comment: dto.comment }),
        draft: !submitting,
        ...(submitting && { respondedAt: nowIn(m) }),
        version: r.version + 1,
      });
      if (submitting) await this.afterSubmit(m, subject, s, response, actor);
      return m.findOneByOrFail(SubmittalResponse, { id: r.id });
    });
    return (await mapResponses(this.db.manager, [row]))[0];
  }

  /** Re-checked under the submittal's lock: court may have moved since the guard looked. */
  private async assertInCourt(m: EntityManager, s: Submittal, userId: number): Promise<void> {
    if (s.status !== 'open' || s.workflowState !== 'in_review') {
      throw AppError.invalidTransition('respond to the submittal', s.status === 'open' ? `open with its workflow ${s.workflowState}` : s.status, s.status === 'draft' ? ['submit'] : []);
    }
    const why = await notInCourt(m, s, userId);
    if (why) throw new AppError('permission_denied', why.message, { action: 'submittals.respond', layer: 'item_role', have: why.have, need: why.need });
  }

  /**
   * After a submitted response: revise and resubmit / rejected returns court to
   * the manager; otherwise the step completes when every required approver (or,
   * in a step without required approvers, any approver) has submitted, and court
   * moves to the next step or, after the last, back to the manager.
   */
  private async afterSubmit(m: EntityManager, subject: AccessSubject, s: Submittal, response: SubmittalResponse['response'], actor: Actor): Promise<void> {
    if (RETURNING_RESPONSES.includes(response)) {
      await this.submittals.touch(m, subject, s, { workflowState: 'returned', ballInCourtRole: 'Submittal Manager' }, actor);
      return;
    }
    const [{ waiting, required, answered, last }] = await m.query(
      `SELECT count(*) FILTER (WHERE a.required AND NOT done)::int AS waiting,
              count(*) FILTER (WHERE a.required)::int AS required,
              count(*) FILTER (WHERE done)::int AS answered,
              (SELECT max(step) FROM submittal_approvers WHERE submittal_id = $1)::int AS last
         FROM (SELECT a.*, EXISTS (SELECT 1 FROM submittal_responses r WHERE r.approver_id = a.id AND NOT r.draft) AS done
                 FROM submittal_approvers a WHERE a.submittal_id = $1 AND a.step = $2) a`,
      [s.id, s.currentStep],
    );
    const complete = required > 0 ? waiting === 0 : answered > 0;
    if (!complete) {
      await this.submittals.touch(m, subject, s, {}, actor);
    } else if (s.currentStep! < last) {
      await this.submittals.touch(m, subject, s, { currentStep: s.currentStep! + 1 }, actor);
    } else {
      await this.submittals.touch(m, subject, s, { workflowState: 'complete', ballInCourtRole: 'Submittal Manager' }, actor);
    }
  }
}
