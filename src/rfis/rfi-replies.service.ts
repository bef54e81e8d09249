import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeLog } from '../changes/change-log.service';
import { editConflict, lockForEdit } from '../database/versioning';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { loadUserRefs } from '../directory/directory.mappers';
import { AttachmentsService, loadAttachments } from '../uploads/attachments.service';
import type { AccessSubject } from '../permissions/access-subject';
import { CreateReplyDto, UpdateReplyDto } from './dto/reply.dto';
import { Rfi, RfiReply } from './rfi.entities';
import { RfisService } from './rfis.service';
import { SandboxClock } from '../sandboxes/sandbox-clock';

async function mapReplies(m: EntityManager, replies: RfiReply[], viewerId: number): Promise<Record<string, unknown>[]> {
  const [byId, attachments] = await Promise.all([
    loadUserRefs(m, replies.map((r) => r.createdById)),
    loadAttachments(m, 'rfi_reply', replies.map((r) => r.id), viewerId),
  ]);
  return replies.map((r) => ({
    id: r.id,
    body: r.body,
    draft: r.draft,
    official: r.official,
    created_by: r.createdById ? (byId.get(r.createdById) ?? null) : null,
    attachments: attachments.get(r.id) ?? [],
    version: r.version,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  }));
}

/** Replies to an RFI: drafts stay with their author; a submitted reply from every assignee sends court to the manager. */
@Injectable()
export class RfiRepliesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rfis: RfisService,
    private readonly changes: ChangeLog,
    private readonly attachments: AttachmentsService,
    private readonly clock: SandboxClock,
  ) {}

  async list(subject: AccessSubject, projectId: number, rfiId: number): Promise<Record<string, unknown>[]> {
    await this.rfis.get(subject, projectId, rfiId);
    const replies = await this.db
      .getRepository(RfiReply)
      .createQueryBuilder('r')
      .where('r.rfiId = :rfiId', { rfiId })
      .andWhere('(NOT r.draft OR r.createdById = :me)', { me: subject.userId })
      .orderBy('r.id', 'ASC')
      .getMany();
    return mapReplies(this.db.manager, replies, subject.userId);
  }

  async create(subject: AccessSubject, projectId: number, rfiId: number, dto: CreateReplyDto, actor: Actor): Promise<Record<string, unknown>> {
    const reply = await this.clock.transaction(subject.companyId, async (m) => {
      const rfi = await this.openRfi(m, projectId, rfiId, 'reply to the RFI');
      const row = await m.save(m.create(RfiReply, { rfiId, body: dto.body, draft: dto.draft ?? false, createdById: actor.userId }));
      await this.attachments.attach(m, projectId, actor.userId, dto.upload_ids, 'rfi_reply', row.id);
      // A draft is its author's alone: webhooks and other devices hear of the reply when it is submitted.
      if (!row.draft) {
        await this.changes.recordRow(m, RfiReply, row.id, { companyId: subject.companyId, projectId, resource: 'RFI Replies', eventType: 'create', actor });
        await this.afterSubmit(m, rfi, subject, actor);
      }
      return row;
    });
    return (await mapReplies(this.db.manager, [reply], subject.userId))[0];
  }

  /** Edits or submits (draft: false) the caller's own reply. */
  async update(subject: AccessSubject, projectId: number, rfiId: number, replyId: number, dto: UpdateReplyDto, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    const reply = await this.clock.transaction(subject.companyId, async (m) => {
      const rfi = await this.openRfi(m, projectId, rfiId, 'change a reply');
      const row = await m.findOne(RfiReply, { where: { id: replyId, rfiId }, lock: { mode: 'pessimistic_write' } });
      if (!row || (row.draft && row.createdById !== actor.userId)) throw AppError.notFound('Reply');
      if (row.createdById !== actor.userId) {
        throw new AppError('permission_denied', 'Only the author may change a reply.', { action: 'rfis.respond', layer: 'item_role', have: 'not the author', need: 'creator' });
      }
      if (expected !== undefined && expected !== row.version) throw editConflict('The reply', row.version, expected);
      if (dto.draft === true && !row.draft) throw AppError.invalidTransition('turn a submitted reply back into a draft', 'submitted', []);
      const submitting = row.draft && dto.draft === false;
      await this.attachments.attach(m, projectId, actor.userId, dto.upload_ids, 'rfi_reply', row.id);
      await m.update(RfiReply, { id: row.id }, { ...(dto.body !== undefined && { body: dto.body }), ...(dto.draft !== undefined && { draft: dto.draft }), version: row.version + 1 });
      if (!row.draft || submitting) {
        await this.changes.recordRow(m, RfiReply, row.id, { companyId: subject.companyId, projectId, resource: 'RFI Replies', eventType: submitting ? 'create' : 'update', actor });
      }
      if (submitting) await this.afterSubmit(m, rfi, subject, actor);
      return m.findOneByOrFail(RfiReply, { id: row.id });
    });
    return (await mapReplies(this.db.manager, [reply], subject.userId))[0];
  }

  /** `actions/mark_official`: a submitted reply becomes the RFI's official response. */
  async markOfficial(subject: AccessSubject, projectId: number, rfiId: number, replyId: number, expected: number | undefined, actor: Actor): Promise<Record<string, unknown>> {
    await this.clock.transaction(subject.companyId, async (m) => {
      const rfi = await lockForEdit(m, Rfi, { id: rfiId, projectId }, 'RFI', expected);
      const reply = await m.findOneBy(RfiReply, { id: replyId, rfiId });
      if (!reply || reply.draft) throw AppError.notFound('Reply');
      await m.query('UPDATE rfi_replies SET official = (id = $2) WHERE rfi_id = $1', [rfiId, replyId]);
      await m.update(Rfi, { id: rfiId }, { officialReplyId: replyId, version: rfi.version + 1 });
      await this.changes.recordRow(m, Rfi, rfiId, { companyId: subject.companyId, projectId, resource: 'RFIs', eventType: 'update', actor });
    });
    return this.rfis.get(subject, projectId, rfiId);
  }

  private async openRfi(m: EntityManager, projectId: number, rfiId: number, what: string): Promise<Rfi> {
    const rfi = await lockForEdit(m, Rfi, { id: rfiId, projectId }, 'RFI', undefined);
    if (rfi.status !== 'open') throw AppError.invalidTransition(what, rfi.status, rfi.status === 'closed' ? ['reopen'] : ['open']);
    return rfi;
  }

  /** When every assignee has a submitted reply, court goes to the RFI manager. */
  private async afterSubmit(m: EntityManager, rfi: Rfi, subject: AccessSubject, actor: Actor): Promise<void> {
    const [{ waiting }] = await m.query(
      `SELECT count(*)::int AS waiting FROM rfi_assignees a
        WHERE a.rfi_id = $1 AND NOT EXISTS (SELECT 1 FROM rfi_replies r WHERE r.rfi_id = a.rfi_id AND r.created_by_id = a.user_id AND NOT r.draft)`,
      [rfi.id],
    );
    const role = waiting === 0 ? 'RFI Manager' : 'Assignees';
    if (role === rfi.ballInCourtRole) return;
    await m.update(Rfi, { id: rfi.id }, { ballInCourtRole: role, version: rfi.version + 1 });
    await this.changes.recordRow(m, Rfi, rfi.id, { companyId: subject.companyId, projectId: rfi.projectId, resource: 'RFIs', eventType: 'update', actor });
  }
}
