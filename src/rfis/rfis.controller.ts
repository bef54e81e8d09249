import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, VERSIONED } from '../common/openapi/route-docs';
import { ArrayOf } from '../common/openapi/schema';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { AcceptsFileParts } from '../uploads/multipart-form';
import { ITEM_FILE_PARTS, UPLOAD_ERRORS } from '../uploads/uploads.schemas';
import { CreateReplyDto, UpdateReplyDto } from './dto/reply.dto';
import { CreateRfiDto, UpdateRfiDto } from './dto/rfi.dto';
import { RfiRepliesService } from './rfi-replies.service';
import { RFI_LIST, RfisService } from './rfis.service';
import { Rfi, RfiReply } from './rfis.schemas';

const FILES = 'JSON, or `multipart/form-data` with the same fields as text parts and files in the part `file` (stored, and processed once the item takes them)';

@ApiTags('RFIs')
@Controller('rest/v1.0/projects/:project_id/rfis')
export class RfisController {
  constructor(
    private readonly rfis: RfisService,
    private readonly replyService: RfiRepliesService,
  ) {}

  @Get()
  @Can('rfis.view')
  @Doc({
    summary: 'List RFIs',
    description: 'The RFIs the caller may see (private and draft RFIs only to the people on them and Admins); `Total` counts only those.',
    list: RFI_LIST,
    ok: { description: 'A page of RFIs', schema: Rfi },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.rfis.list(req.access!.subject, projectOf(req), parseListQuery(query, RFI_LIST));
  }

  @Post()
  @Can('rfis.create_draft')
  @AcceptsFileParts(CreateRfiDto)
  @Doc({
    summary: 'Create an RFI',
    description: `A draft, or open at once (\`draft: false\`, with an \`rfi_manager_id\`) for those who may open RFIs: it then gets its number and goes to the assignees. Body: ${FILES}.`,
    ok: { description: 'The new RFI', schema: Rfi },
    form: ITEM_FILE_PARTS,
    errors: UPLOAD_ERRORS,
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateRfiDto): Promise<Record<string, unknown>> {
    return this.rfis.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':rfi_id')
  @Can('rfis.view', { item: 'rfi_id' })
  @Doc({ summary: 'Read an RFI', ok: { description: 'The RFI', schema: Rfi } })
  get(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.rfis.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':rfi_id')
  @Can('rfis.edit', { item: 'rfi_id' })
  @AcceptsFileParts(UpdateRfiDto)
  @Doc({
    summary: 'Edit an RFI',
    description: `Fields left out are kept; lists given replace the RFI's; \`upload_ids\` (and files) are added to its attachments. A closed RFI cannot be edited (422 \`invalid_transition\`). Body: ${FILES}.`,
    ok: { description: 'The RFI as edited', schema: Rfi },
    form: ITEM_FILE_PARTS,
    errors: [...VERSIONED, 'invalid_transition', ...UPLOAD_ERRORS],
  })
  update(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: UpdateRfiDto): Promise<Record<string, unknown>> {
    return this.rfis.update(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Post(':rfi_id/actions/close')
  @HttpCode(200)
  @Can('rfis.close', { item: 'rfi_id' })
  @OptionalVersion
  @Doc({
    summary: 'Close an RFI',
    description: 'An open RFI is closed; nobody holds the ball.',
    ok: { status: 200, description: 'The closed RFI', schema: Rfi },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  close(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.rfis.setClosed(req.access!.subject, projectOf(req), id, true, versionOf(req, dto), actorOf(req));
  }

  @Post(':rfi_id/actions/reopen')
  @HttpCode(200)
  @Can('rfis.reopen', { item: 'rfi_id' })
  @OptionalVersion
  @Doc({
    summary: 'Reopen an RFI',
    description: 'A closed RFI opens again, with the ball back at its assignees (or its manager when it has none).',
    ok: { status: 200, description: 'The reopened RFI', schema: Rfi },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  reopen(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.rfis.setClosed(req.access!.subject, projectOf(req), id, false, versionOf(req, dto), actorOf(req));
  }

  @Delete(':rfi_id')
  @HttpCode(204)
  @Can('rfis.delete', { item: 'rfi_id' })
  @Doc({
    summary: 'Delete an RFI',
    description: 'With its replies and their attachments.',
    ok: { description: 'Deleted' },
    errors: VERSIONED,
  })
  async remove(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number): Promise<void> {
    await this.rfis.remove(req.access!.subject, projectOf(req), id, versionOf(req), actorOf(req));
  }

  @Get(':rfi_id/replies')
  @Can('rfis.view', { item: 'rfi_id' })
  @Doc({
    summary: 'List the replies to an RFI',
    description: 'Oldest first; a draft reply only to its author.',
    ok: { description: 'The replies (not paged)', schema: ArrayOf(RfiReply) },
  })
  replies(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number): Promise<Record<string, unknown>[]> {
    return this.replyService.list(req.access!.subject, projectOf(req), id);
  }

  @Post(':rfi_id/replies')
  @Can('rfis.respond', { item: 'rfi_id' })
  @AcceptsFileParts(CreateReplyDto)
  @Doc({
    summary: 'Reply to an RFI',
    description: `To an open RFI. A submitted reply from every assignee sends the ball to the RFI manager; a draft changes nothing. Body: ${FILES}.`,
    ok: { description: 'The new reply', schema: RfiReply },
    form: ITEM_FILE_PARTS,
    errors: ['invalid_transition', ...UPLOAD_ERRORS],
  })
  reply(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: CreateReplyDto): Promise<Record<string, unknown>> {
    return this.replyService.create(req.access!.subject, projectOf(req), id, dto, actorOf(req));
  }

  @Patch(':rfi_id/replies/:reply_id')
  @Can('rfis.respond', { item: 'rfi_id' })
  @AcceptsFileParts(UpdateReplyDto)
  @Doc({
    summary: 'Edit or submit your reply',
    description: `Only its author; \`draft: false\` submits a draft reply (a submitted reply cannot become a draft again). The RFI must be open. Body: ${FILES}.`,
    ok: { description: 'The reply as edited', schema: RfiReply },
    form: ITEM_FILE_PARTS,
    errors: [...VERSIONED, 'invalid_transition', ...UPLOAD_ERRORS],
  })
  updateReply(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Param('reply_id', IdPipe) replyId: number, @Body() dto: UpdateReplyDto): Promise<Record<string, unknown>> {
    return this.replyService.update(req.access!.subject, projectOf(req), id, replyId, dto, versionOf(req, dto), actorOf(req));
  }

  @Post(':rfi_id/replies/:reply_id/actions/mark_official')
  @HttpCode(200)
  @Can('rfis.mark_official', { item: 'rfi_id' })
  @OptionalVersion
  @Doc({
    summary: 'Mark a reply as the official response',
    description: 'A submitted reply becomes the RFI’s `official_reply` (replacing any other). `version` and `If-Match` are the RFI’s.',
    ok: { status: 200, description: 'The RFI with its official reply', schema: Rfi },
    errors: VERSIONED,
  })
  markOfficial(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Param('reply_id', IdPipe) replyId: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.replyService.markOfficial(req.access!.subject, projectOf(req), id, replyId, versionOf(req, dto), actorOf(req));
  }

  @Post(':rfi_id/actions/open')
  @HttpCode(200)
  @Can('rfis.create_open', { item: 'rfi_id' })
  @OptionalVersion
  @Doc({
    summary: 'Open a draft RFI',
    description: 'The draft gets its number (sequential per project, never reused), a due date if it had none, and goes to its assignees. It needs an RFI manager (422 naming `rfi_manager_id`).',
    ok: { status: 200, description: 'The open RFI', schema: Rfi },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  open(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.rfis.open(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
