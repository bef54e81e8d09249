import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, projectOf } from '../common/http/request-helpers';
import { underBothVersions } from '../common/http/versioned-paths';
import { IdPipe } from '../common/validation/id.pipe';
import { ProjectMember } from '../permissions/route-access';
import { ReadsMultipart } from './multipart-form';
import { UploadsService } from './uploads.service';

type Json = Record<string, unknown>;

@ApiTags('Uploads')
@Controller(underBothVersions('uploads'))
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @ProjectMember()
  @ReadsMultipart()
  @ApiOperation({
    description:
      'Any active project member. One file, in the multipart part `file` (or `attachments[]`). Answers 201 with `processing_status: queued`; ' +
      'a job makes it `ready` (or `failed`). Attach it with `upload_ids` on an RFI, reply or submittal. Refusals: 422 `empty_file`, ' +
      '413 `file_too_large`, 415 `unsupported_file_type` (by content, not name), 422 `unsafe_file_name`, 429 `too_many_uploads`, 408 `upload_interrupted`.',
  })
  create(@Req() req: FastifyRequest): Promise<Json> {
    return this.uploads.create(req, projectOf(req), actorOf(req));
  }

  @Get(':upload_id')
  @ProjectMember()
  get(@Req() req: FastifyRequest, @Param('upload_id', IdPipe) id: number): Promise<Json> {
    return this.uploads.get(req.access!.subject, projectOf(req), id);
  }

  @Get(':upload_id/content')
  @ProjectMember()
  @ApiOperation({ description: 'The file, once `ready`: to its uploader always, to others when it is attached to an item they may see.' })
  async content(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('upload_id', IdPipe) id: number): Promise<void> {
    const file = await this.uploads.content(req.access!.subject, projectOf(req), id);
    await reply
      .header('Content-Type', file.contentType)
      .header('Content-Length', String(file.sizeBytes))
      .header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .header('ETag', `"${file.sha256}"`)
      .send(file.stream);
  }
}
