import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, VERSIONED } from '../common/openapi/route-docs';
import { ArrayOf, Enum, Id, Int, Named, Obj, Optional } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { Markup } from './drawings.schemas';
import { MAX_SHAPES, ShapeInput } from './markup-shapes';
import { MARKUP_LAYERS, MarkupsService, MAX_RFI_LINKS } from './markups.service';

type Json = Record<string, unknown>;

const Layer = Enum(MARKUP_LAYERS, { description: '`personal`: seen only by you (anyone who sees the drawing); `published`: by everyone who sees it (Standard on Drawings)' });
const Shapes = ArrayOf(ShapeInput, { maxItems: MAX_SHAPES, description: `1 to ${MAX_SHAPES} shapes within the sheet (its \`width\` × \`height\` in points), checked by type; at most 256 KiB of JSON` });
const RfiIds = ArrayOf(Id, { maxItems: MAX_RFI_LINKS, description: 'RFIs of the project the markup points to (ones you may see)' });
const MarkupCreate = Named('MarkupCreate', Obj({ layer: Layer, shapes: Shapes, rfi_ids: Optional(RfiIds) }));
const MarkupUpdate = Named('MarkupUpdate', Obj({ layer: Optional(Layer), shapes: Optional(Shapes), rfi_ids: Optional(RfiIds), version: Optional(Int({ minimum: 1, description: 'The version you read (or If-Match)' })) }));
const SHAPE_ERRORS = 'Malformed shapes answer 422 naming each field (`shapes[2].width`); a body over the size limit 413 `request_too_large`; nothing is stored.';

@ApiTags('Drawings')
@Controller('rest/v1.0/projects/:project_id/drawing_revisions/:drawing_revision_id/markups')
export class MarkupsController {
  constructor(private readonly markups: MarkupsService) {}

  @Get()
  @Can('drawings.view')
  @Doc({
    summary: 'List a revision’s markups',
    description: 'They load separately from the sheet: the published layer, and your own personal markups (another user’s personal markups are not listed).',
    ok: { description: 'The markups you see on the revision (not paged)', schema: ArrayOf(Markup) },
  })
  list(@Req() req: FastifyRequest, @Param('drawing_revision_id', IdPipe) revisionId: number): Promise<Json[]> {
    return this.markups.list(req.access!.subject, projectOf(req), revisionId);
  }

  @Post()
  @Can('drawings.markup_personal')
  @Doc({
    summary: 'Mark up a revision',
    description: `On your personal layer (Read Only and up) or the published one (Standard and up: 403 below it). ${SHAPE_ERRORS}`,
    body: { schema: MarkupCreate },
    ok: { description: 'The new markup', schema: Markup },
    errors: ['validation_failed', 'request_too_large'],
  })
  create(@Req() req: FastifyRequest, @Param('drawing_revision_id', IdPipe) revisionId: number, @Body() body: unknown): Promise<Json> {
    return this.markups.create(req.access!.subject, projectOf(req), revisionId, body, actorOf(req));
  }

  @Get(':markup_id')
  @Can('drawings.view')
  @Doc({ summary: 'Read a markup', description: 'A published markup, or one of your own.', ok: { description: 'The markup', schema: Markup } })
  get(@Req() req: FastifyRequest, @Param('drawing_revision_id', IdPipe) revisionId: number, @Param('markup_id', IdPipe) id: number): Promise<Json> {
    return this.markups.get(req.access!.subject, projectOf(req), revisionId, id);
  }

  @Patch(':markup_id')
  @Can('drawings.markup_personal')
  @Doc({
    summary: 'Edit a markup',
    description: `Its shapes, RFI links, or layer (publishing takes Standard). Only its author edits a markup (403 for others). ${SHAPE_ERRORS}`,
    body: { schema: MarkupUpdate },
    ok: { description: 'The markup as edited', schema: Markup },
    errors: [...VERSIONED, 'request_too_large'],
  })
  update(@Req() req: FastifyRequest, @Param('drawing_revision_id', IdPipe) revisionId: number, @Param('markup_id', IdPipe) id: number, @Body() body: unknown): Promise<Json> {
    return this.markups.update(req.access!.subject, projectOf(req), revisionId, id, body, versionOf(req, (body ?? {}) as { version?: number }), actorOf(req));
  }

  @Delete(':markup_id')
  @HttpCode(204)
  @Can('drawings.delete_markup', { item: 'markup_id' })
  @OptionalVersion
  @Doc({ summary: 'Delete a markup', description: 'Admins on Drawings delete any markup they see; others only their own.', ok: { description: 'Deleted' }, errors: VERSIONED })
  async remove(@Req() req: FastifyRequest, @Param('drawing_revision_id', IdPipe) revisionId: number, @Param('markup_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.markups.remove(req.access!.subject, projectOf(req), revisionId, id, versionOf(req, dto), actorOf(req));
  }
}
