import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { AcceptsFileParts } from '../uploads/multipart-form';
import { CreateReplyDto, UpdateReplyDto } from './dto/reply.dto';
import { CreateRfiDto, UpdateRfiDto } from './dto/rfi.dto';
import { RfiRepliesService } from './rfi-replies.service';
import { RFI_LIST, RfisService } from './rfis.service';

@ApiTags('RFIs')
@Controller('rest/v1.0/projects/:project_id/rfis')
export class RfisController {
  constructor(
    private readonly rfis: RfisService,
    private readonly replyService: RfiRepliesService,
  ) {}

  @Get()
  @Can('rfis.view')
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.rfis.list(req.access!.subject, projectOf(req), parseListQuery(query, RFI_LIST));
  }

  @Post()
  @Can('rfis.create_draft')
  @AcceptsFileParts(CreateRfiDto)
  create(@Req() req: FastifyRequest, @Body() dto: CreateRfiDto): Promise<Record<string, unknown>> {
    return this.rfis.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':rfi_id')
  @Can('rfis.view', { item: 'rfi_id' })
  get(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.rfis.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':rfi_id')
  @Can('rfis.edit', { item: 'rfi_id' })
  @AcceptsFileParts(UpdateRfiDto)
  update(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: UpdateRfiDto): Promise<Record<string, unknown>> {
    return this.rfis.update(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Post(':rfi_id/actions/close')
  @HttpCode(200)
  @Can('rfis.close', { item: 'rfi_id' })
  close(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.rfis.setClosed(req.access!.subject, projectOf(req), id, true, versionOf(req, dto), actorOf(req));
  }

  @Post(':rfi_id/actions/reopen')
  @HttpCode(200)
  @Can('rfis.reopen', { item: 'rfi_id' })
  reopen(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.rfis.setClosed(req.access!.subject, projectOf(req), id, false, versionOf(req, dto), actorOf(req));
  }

  @Delete(':rfi_id')
  @HttpCode(204)
  @Can('rfis.delete', { item: 'rfi_id' })
  async remove(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number): Promise<void> {
    await this.rfis.remove(req.access!.subject, projectOf(req), id, versionOf(req), actorOf(req));
  }

  @Get(':rfi_id/replies')
  @Can('rfis.view', { item: 'rfi_id' })
  replies(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number): Promise<Record<string, unknown>[]> {
    return this.replyService.list(req.access!.subject, projectOf(req), id);
  }

  @Post(':rfi_id/replies')
  @Can('rfis.respond', { item: 'rfi_id' })
  @AcceptsFileParts(CreateReplyDto)
  reply(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: CreateReplyDto): Promise<Record<string, unknown>> {
    return this.replyService.create(req.access!.subject, projectOf(req), id, dto, actorOf(req));
  }

  @Patch(':rfi_id/replies/:reply_id')
  @Can('rfis.respond', { item: 'rfi_id' })
  @AcceptsFileParts(UpdateReplyDto)
  updateReply(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Param('reply_id', IdPipe) replyId: number, @Body() dto: UpdateReplyDto): Promise<Record<string, unknown>> {
    return this.replyService.update(req.access!.subject, projectOf(req), id, replyId, dto, versionOf(req, dto), actorOf(req));
  }

  @Post(':rfi_id/replies/:reply_id/actions/mark_official')
  @HttpCode(200)
  @Can('rfis.mark_official', { item: 'rfi_id' })
  markOfficial(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Param('reply_id', IdPipe) replyId: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.replyService.markOfficial(req.access!.subject, projectOf(req), id, replyId, versionOf(req, dto), actorOf(req));
  }

  @Post(':rfi_id/actions/open')
  @HttpCode(200)
  @Can('rfis.create_open', { item: 'rfi_id' })
  open(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.rfis.open(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
