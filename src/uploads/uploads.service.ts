import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { loadUserRefs } from '../directory/directory.mappers';
import type { AccessSubject } from '../permissions/access-subject';
import { AttachmentsService, uploadView } from './attachments.service';
import { ContentStore } from './content-store';
import { UploadReceiver } from './upload-receiver';
import { Upload } from './upload.entities';

/** `POST/GET .../uploads`: receive a file for later attachment, read its state, download it. */
@Injectable()
export class UploadsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly receiver: UploadReceiver,
    private readonly attachments: AttachmentsService,
    private readonly content: ContentStore,
  ) {}

  async create(request: FastifyRequest, projectId: number, actor: Actor): Promise<Record<string, unknown>> {
    const auth = request.auth!;
    const upload = await this.receiver.receive(request, { companyId: auth.companyId, projectId, kind: 'attachment', settings: auth.settings, actor });
    return this.view(upload);
  }

  async get(subject: AccessSubject, projectId: number, id: number): Promise<Record<string, unknown>> {
    return this.view(await this.attachments.visible(subject, projectId, id));
  }

  /** The stored content, streamed from its file (never the whole file in memory). */
  async download(subject: AccessSubject, projectId: number, id: number): Promise<Upload & { stream: Readable }> {
    const upload = await this.attachments.visible(subject, projectId, id);
    const stream = await this.content.open(id);
    if (!stream) throw new AppError('not_found', `The content of upload ${id} is no longer stored; upload the file again.`, { upload_id: id });
    return Object.assign(upload, { stream });
  }

  /** The thumbnail processing rendered for an image the subject may see (404 for anything else). */
  async thumbnail(subject: AccessSubject, projectId: number, id: number): Promise<Buffer> {
    const upload = await this.attachments.visible(subject, projectId, id);
    const [row]: { content: Buffer }[] = upload.processingStatus === 'ready' ? await this.db.query(`SELECT content FROM upload_renditions WHERE upload_id = $1 AND kind = 'thumbnail'`, [id]) : [];
    if (!row) throw AppError.notFound('Thumbnail');
    return row.content;
  }

  private async view(upload: Upload): Promise<Record<string, unknown>> {
    return uploadView(upload, await loadUserRefs(this.db, [upload.uploadedById]));
  }
}
