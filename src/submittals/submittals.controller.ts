import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { underBothVersions } from '../common/http/versioned-paths';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { AcceptsFileParts } from '../uploads/multipart-form';
import { CreatePackageDto, UpdatePackageDto } from './dto/package.dto';
import { CreateResponseDto, UpdateResponseDto } from './dto/response.dto';
import { CreateSubmittalDto, DistributeDto, UpdateSubmittalDto } from './dto/submittal.dto';
import { PACKAGE_LIST, SubmittalPackagesService } from './submittal-packages.service';
import { SubmittalResponsesService } from './submittal-responses.service';
import { SUBMITTAL_LIST, SubmittalsService } from './submittals.service';

const under = underBothVersions;

type Json = Record<string, unknown>;

@ApiTags('Submittals')
@Controller(under('submittals'))
export class SubmittalsController {
  constructor(
    private readonly submittals: SubmittalsService,
    private readonly responses: SubmittalResponsesService,
  ) {}

  @Get()
  @Can('submittals.view')
  list(@Req() req: FastifyRequest, @Query() query: Json): Promise<Page<Json>> {
    return this.submittals.list(req.access!.subject, projectOf(req), parseListQuery(query, SUBMITTAL_LIST));
  }

  @Post()
  @Can('submittals.create')
  @AcceptsFileParts(CreateSubmittalDto)
  create(@Req() req: FastifyRequest, @Body() dto: CreateSubmittalDto): Promise<Json> {
    return this.submittals.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':submittal_id')
  @Can('submittals.view', { item: 'submittal_id' })
  get(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number): Promise<Json> {
    return this.submittals.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':submittal_id')
  @Can('submittals.edit', { item: 'submittal_id' })
  @AcceptsFileParts(UpdateSubmittalDto)
  update(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: UpdateSubmittalDto): Promise<Json> {
    return this.submittals.update(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':submittal_id')
  @HttpCode(204)
  @Can('submittals.delete', { item: 'submittal_id' })
  async remove(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number): Promise<void> {
    await this.submittals.remove(req.access!.subject, projectOf(req), id, versionOf(req), actorOf(req));
  }

  @Post(':submittal_id/actions/submit')
  @HttpCode(200)
  @Can('submittals.submit', { item: 'submittal_id' })
  submit(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Json> {
    return this.submittals.submit(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Post(':submittal_id/actions/distribute')
  @HttpCode(200)
  @Can('submittals.distribute', { item: 'submittal_id' })
  distribute(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: DistributeDto): Promise<Json> {
    return this.submittals.distribute(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Post(':submittal_id/actions/close')
  @HttpCode(200)
  @Can('submittals.close', { item: 'submittal_id' })
  close(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Json> {
    return this.submittals.close(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Post(':submittal_id/actions/revise')
  @Can('submittals.create_revision', { item: 'submittal_id' })
  revise(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Json> {
    return this.submittals.revise(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Get(':submittal_id/responses')
  @Can('submittals.view', { item: 'submittal_id' })
  listResponses(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number): Promise<Json[]> {
    return this.responses.list(req.access!.subject, projectOf(req), id);
  }

  @Post(':submittal_id/responses')
  @Can('submittals.respond', { item: 'submittal_id' })
  respond(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: CreateResponseDto): Promise<Json> {
    return this.responses.create(req.access!.subject, projectOf(req), id, dto, actorOf(req));
  }

  @Patch(':submittal_id/responses/:response_id')
  @Can('submittals.respond', { item: 'submittal_id' })
  updateResponse(
    @Req() req: FastifyRequest,
    @Param('submittal_id', IdPipe) id: number,
    @Param('response_id', IdPipe) responseId: number,
    @Body() dto: UpdateResponseDto,
  ): Promise<Json> {
    return this.responses.update(req.access!.subject, projectOf(req), id, responseId, dto, versionOf(req, dto), actorOf(req));
  }
}

@ApiTags('Submittals')
@Controller(under('submittal_packages'))
export class SubmittalPackagesController {
  constructor(private readonly packages: SubmittalPackagesService) {}

  @Get()
  @Can('submittals.view')
  list(@Query() query: Json, @Req() req: FastifyRequest): Promise<Page<Json>> {
    return this.packages.list(projectOf(req), parseListQuery(query, PACKAGE_LIST));
  }

  @Post()
  @Can('submittals.create_package')
  create(@Req() req: FastifyRequest, @Body() dto: CreatePackageDto): Promise<Json> {
    return this.packages.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':package_id')
  @Can('submittals.view')
  get(@Req() req: FastifyRequest, @Param('package_id', IdPipe) id: number): Promise<Json> {
    return this.packages.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':package_id')
  @Can('submittals.create_package')
  update(@Req() req: FastifyRequest, @Param('package_id', IdPipe) id: number, @Body() dto: UpdatePackageDto): Promise<Json> {
    return this.packages.update(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':package_id')
  @HttpCode(204)
  @Can('submittals.delete')
  async remove(@Req() req: FastifyRequest, @Param('package_id', IdPipe) id: number): Promise<void> {
    await this.packages.remove(req.access!.subject, projectOf(req), id, versionOf(req), actorOf(req));
  }
}
