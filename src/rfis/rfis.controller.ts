import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { CreateRfiDto } from './dto/rfi.dto';
import { RFI_LIST, RfisService } from './rfis.service';

@ApiTags('RFIs')
@Controller('rest/v1.0/projects/:project_id/rfis')
export class RfisController {
  constructor(private readonly rfis: RfisService) {}

  @Get()
  @Can('rfis.view')
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.rfis.list(req.access!.subject, projectOf(req), parseListQuery(query, RFI_LIST));
  }

  @Post()
  @Can('rfis.create_draft')
  create(@Req() req: FastifyRequest, @Body() dto: CreateRfiDto): Promise<Record<string, unknown>> {
    return this.rfis.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':rfi_id')
  @Can('rfis.view', { item: 'rfi_id' })
  get(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.rfis.get(req.access!.subject, projectOf(req), id);
  }

  @Post(':rfi_id/actions/open')
  @HttpCode(200)
  @Can('rfis.create_open', { item: 'rfi_id' })
  open(@Req() req: FastifyRequest, @Param('rfi_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Record<string, unknown>> {
    return this.rfis.open(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
