import { Body, Controller, Delete, Get, HttpCode, Param, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, VERSIONED } from '../common/openapi/route-docs';
import { Type } from '../common/openapi/schema';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { Drawing, DrawingRevision } from './drawings.schemas';
import { DRAWING_LIST, DrawingsService, REVISION_LIST } from './drawings.service';

type Json = Record<string, unknown>;

const UNPUBLISHED = 'Revisions waiting for review are seen only by Admins on Drawings and holders of upload_and_review_drawings (404 for others).';

@ApiTags('Drawings')
@Controller('rest/v1.0/projects/:project_id/drawings')
export class DrawingsController {
  constructor(private readonly drawings: DrawingsService) {}

  @Get()
  @Can('drawings.view')
  @Doc({ summary: 'List drawings', description: 'By sheet number; each with its `current_revision`, the newest published.', list: DRAWING_LIST, ok: { description: 'A page of drawings', schema: Drawing }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Json>> {
    return this.drawings.list(projectOf(req), parseListQuery(query, DRAWING_LIST));
  }

  @Get(':drawing_id')
  @Can('drawings.view')
  @Doc({ summary: 'Read a drawing', ok: { description: 'The drawing, with its current revision', schema: Drawing } })
  get(@Req() req: FastifyRequest, @Param('drawing_id', IdPipe) id: number): Promise<Json> {
    return this.drawings.get(projectOf(req), id);
  }
}

@ApiTags('Drawings')
@Controller('rest/v1.0/projects/:project_id/drawing_revisions')
export class DrawingRevisionsController {
  constructor(private readonly drawings: DrawingsService) {}

  @Get()
  @Can('drawings.view')
  @Doc({ summary: 'List drawing revisions', description: `Published revisions of the project's drawings. ${UNPUBLISHED}`, list: REVISION_LIST, ok: { description: 'A page of revisions', schema: DrawingRevision }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Json>> {
    return this.drawings.revisions(req.access!.subject, projectOf(req), parseListQuery(query, REVISION_LIST));
  }

  @Get(':drawing_revision_id')
  @Can('drawings.view')
  @Doc({ summary: 'Read a drawing revision', description: UNPUBLISHED, ok: { description: 'The revision', schema: DrawingRevision } })
  get(@Req() req: FastifyRequest, @Param('drawing_revision_id', IdPipe) id: number): Promise<Json> {
    return this.drawings.revision(req.access!.subject, projectOf(req), id);
  }

  @Get(':drawing_revision_id/preview')
  @Can('drawings.view')
  @Doc({
    summary: 'Download a drawing revision’s preview',
    description: `The sheet rendered as a PNG (at most 1600 px a side) when its PDF was processed. ${UNPUBLISHED}`,
    ok: { description: 'The preview', media: 'binary', types: ['image/png'], headers: { 'Content-Length': { description: 'Bytes', schema: Type.Integer({ minimum: 1 }) } } },
  })
  async preview(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('drawing_revision_id', IdPipe) id: number): Promise<void> {
    const png = await this.drawings.preview(req.access!.subject, projectOf(req), id);
    await reply.header('Content-Type', 'image/png').header('Content-Length', String(png.length)).send(png);
  }

  @Delete(':drawing_revision_id')
  @HttpCode(204)
  @Can('drawings.delete_revision')
  @OptionalVersion
  @Doc({
    summary: 'Delete a drawing revision',
    description: 'With its markups. The newest remaining revision becomes current; a drawing left without revisions is deleted too.',
    ok: { description: 'Deleted' },
    errors: VERSIONED,
  })
  async remove(@Req() req: FastifyRequest, @Param('drawing_revision_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.drawings.removeRevision(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
