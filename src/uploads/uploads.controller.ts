import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, projectOf } from '../common/http/request-helpers';
import { underBothVersions } from '../common/http/versioned-paths';
import { Doc } from '../common/openapi/doc.decorator';
import { Str, Type } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { ProjectMember } from '../permissions/route-access';
import { ReadsMultipart } from './multipart-form';
import { UploadsService } from './uploads.service';
import { ATTACHMENT_TYPES, Upload, UPLOAD_ERRORS, UploadForm } from './uploads.schemas';

type Json = Record<string, unknown>;

@ApiTags('Uploads')
@Controller(underBothVersions('uploads'))
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @ProjectMember()
  @ReadsMultipart()
  @Doc({
    summary: 'Upload a file to attach later',
    description:
      'One file, in the multipart part `file` (or `attachments[]`). Answers 201 with `processing_status: queued`; a job makes it `ready` (or `failed`). ' +
      'Attach it with `upload_ids` on an RFI, reply or submittal. Refusals: 422 `empty_file`, 413 `file_too_large`, 415 `unsupported_file_type` ' +
      '(by content, not name), 422 `unsafe_file_name`, 429 `too_many_uploads`, 408 `upload_interrupted`; a body that is not multipart answers 400.',
    body: { schema: UploadForm, media: ['multipart/form-data'] },
    ok: { description: 'The stored file, queued for processing', schema: Upload },
    errors: UPLOAD_ERRORS,
  })
  create(@Req() req: FastifyRequest): Promise<Json> {
    return this.uploads.create(req, projectOf(req), actorOf(req));
  }

  @Get(':upload_id')
  @ProjectMember()
  @Doc({
    summary: 'Read an upload',
    description: 'Its processing state and, once `ready`, its checksum and `url`. Its uploader sees it always; others once it is attached to an item they may see and `ready` (otherwise 404).',
    ok: { description: 'The upload', schema: Upload },
    errors: ['permission_denied', 'tool_inactive'],
  })
  get(@Req() req: FastifyRequest, @Param('upload_id', IdPipe) id: number): Promise<Json> {
    return this.uploads.get(req.access!.subject, projectOf(req), id);
  }

  @Get(':upload_id/content')
  @ProjectMember()
  @Doc({
    summary: 'Download an upload’s content',
    description: 'The file, as its own content type: to its uploader always, to others once it is `ready` and attached to an item they may see (otherwise 404).',
    ok: {
      description: 'The file’s bytes, with the content type it was kept as',
      media: 'binary',
      types: ATTACHMENT_TYPES,
      headers: {
        'Content-Length': { description: 'The file size in bytes', schema: Type.Integer({ minimum: 1 }) },
        'Content-Disposition': { description: "`attachment; filename*=UTF-8''<the file name, percent-encoded>`", schema: Str() },
        ETag: { description: '`"<SHA-256 of the content, hex>"`', schema: Str() },
      },
    },
    errors: ['permission_denied', 'tool_inactive'],
  })
  async content(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('upload_id', IdPipe) id: number): Promise<void> {
    const file = await this.uploads.download(req.access!.subject, projectOf(req), id);
    await reply
      .header('Content-Type', file.contentType)
      .header('Content-Length', String(file.sizeBytes))
      .header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .header('ETag', `"${file.sha256}"`)
      .send(file.stream);
  }

  @Get(':upload_id/thumbnail')
  @ProjectMember()
  @Doc({
    summary: 'Download an image upload’s thumbnail',
    description: 'An upright JPEG of at most 320 px a side, rendered when the image was processed; seen by whoever may see the upload. 404 for a file that is not a decoded image or is not processed yet.',
    ok: {
      description: 'The thumbnail',
      media: 'binary',
      types: ['image/jpeg'],
      headers: { 'Content-Length': { description: 'Bytes', schema: Type.Integer({ minimum: 1 }) } },
    },
    errors: ['permission_denied', 'tool_inactive'],
  })
  async thumbnail(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('upload_id', IdPipe) id: number): Promise<void> {
    const thumb = await this.uploads.thumbnail(req.access!.subject, projectOf(req), id);
    await reply.header('Content-Type', 'image/jpeg').header('Content-Length', String(thumb.length)).send(thumb);
  }
}
