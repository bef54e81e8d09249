import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { underBothVersions } from '../common/http/versioned-paths';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, VERSIONED } from '../common/openapi/route-docs';
import { ArrayOf } from '../common/openapi/schema';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { AcceptsFileParts } from '../uploads/multipart-form';
import { ITEM_FILE_PARTS, UPLOAD_ERRORS } from '../uploads/uploads.schemas';
import { CreatePackageDto, UpdatePackageDto } from './dto/package.dto';
import { CreateResponseDto, UpdateResponseDto } from './dto/response.dto';
import { CreateSubmittalDto, DistributeDto, UpdateSubmittalDto } from './dto/submittal.dto';
import { PACKAGE_LIST, SubmittalPackagesService } from './submittal-packages.service';
import { SubmittalResponsesService } from './submittal-responses.service';
import { Submittal, SubmittalPackage, SubmittalPackageWithSubmittals, SubmittalResponse } from './submittals.schemas';
import { SUBMITTAL_LIST, SubmittalsService } from './submittals.service';

const under = underBothVersions;

const FILES = 'JSON, or `multipart/form-data` with the same fields as text parts and files in the part `file` (stored, and processed once the submittal takes them)';

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
  @Doc({
    summary: 'List submittals',
    description: 'The submittals the caller may see (private ones only to the people on them and Admins, drafts only to their creator, manager and Admins); `Total` counts only those. Every revision is an item of its own.',
    list: SUBMITTAL_LIST,
    ok: { description: 'A page of submittals', schema: Submittal },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Json): Promise<Page<Json>> {
    return this.submittals.list(req.access!.subject, projectOf(req), parseListQuery(query, SUBMITTAL_LIST));
  }

  @Post()
  @Can('submittals.create')
  @AcceptsFileParts(CreateSubmittalDto)
  @Doc({
    summary: 'Create a submittal',
    description: `A draft, numbered per project, in its submittal manager’s court; a subcontractor’s is private unless they say otherwise. Body: ${FILES}.`,
    ok: { description: 'The new submittal', schema: Submittal },
    form: ITEM_FILE_PARTS,
    errors: UPLOAD_ERRORS,
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateSubmittalDto): Promise<Json> {
    return this.submittals.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':submittal_id')
  @Can('submittals.view', { item: 'submittal_id' })
  @Doc({ summary: 'Read a submittal', ok: { description: 'The submittal', schema: Submittal } })
  get(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number): Promise<Json> {
    return this.submittals.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':submittal_id')
  @Can('submittals.edit', { item: 'submittal_id' })
  @AcceptsFileParts(UpdateSubmittalDto)
  @Doc({
    summary: 'Edit a submittal',
    description: `Fields left out are kept; \`distribution_ids\` replaces the distribution; \`upload_ids\` (and files) are added to its attachments. The workflow can be replaced only while it is a draft, and a closed submittal cannot be edited (422 \`invalid_transition\`: revise it). Body: ${FILES}.`,
    ok: { description: 'The submittal as edited', schema: Submittal },
    form: ITEM_FILE_PARTS,
    errors: [...VERSIONED, 'invalid_transition', ...UPLOAD_ERRORS],
  })
  update(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: UpdateSubmittalDto): Promise<Json> {
    return this.submittals.update(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':submittal_id')
  @HttpCode(204)
  @Can('submittals.delete', { item: 'submittal_id' })
  @Doc({
    summary: 'Delete a submittal',
    description: 'With its workflow, responses and attachments; a later revision keeps its number and loses its link back.',
    ok: { description: 'Deleted' },
    errors: VERSIONED,
  })
  async remove(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number): Promise<void> {
    await this.submittals.remove(req.access!.subject, projectOf(req), id, versionOf(req), actorOf(req));
  }

  @Post(':submittal_id/actions/submit')
  @HttpCode(200)
  @Can('submittals.submit', { item: 'submittal_id' })
  @OptionalVersion
  @Doc({
    summary: 'Submit a draft submittal',
    description: 'The draft opens with the ball at step 1’s approvers. It needs a submittal manager and a workflow with at least one approver (422 naming `submittal_manager_id` and `workflow`).',
    ok: { status: 200, description: 'The open submittal', schema: Submittal },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  submit(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Json> {
    return this.submittals.submit(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Post(':submittal_id/actions/distribute')
  @HttpCode(200)
  @Can('submittals.distribute', { item: 'submittal_id' })
  @ApiBody({ type: DistributeDto, required: false })
  @Doc({
    summary: 'Distribute a submittal',
    description: 'Once its workflow is complete (or returned), the result goes to the distribution, with `distribution_ids` added to it first (active project members, or 422); sets `distributed_at`.',
    ok: { status: 200, description: 'The distributed submittal', schema: Submittal },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  distribute(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: DistributeDto): Promise<Json> {
    return this.submittals.distribute(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Post(':submittal_id/actions/close')
  @HttpCode(200)
  @Can('submittals.close', { item: 'submittal_id' })
  @OptionalVersion
  @Doc({
    summary: 'Close a submittal',
    description: 'An open submittal is closed; nobody holds the ball.',
    ok: { status: 200, description: 'The closed submittal', schema: Submittal },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  close(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Json> {
    return this.submittals.close(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Post(':submittal_id/actions/revise')
  @Can('submittals.create_revision', { item: 'submittal_id' })
  @OptionalVersion
  @Doc({
    summary: 'Create a revision of a submittal',
    description:
      'Revision N+1 of the latest revision (a closed one, or an open one whose workflow is returned or complete): a draft with the same number, people and steps, every approver pending again, and no due date. An open previous revision is closed. `version` and `If-Match` are the revised submittal’s.',
    ok: { status: 201, description: 'The new revision', schema: Submittal },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  revise(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: VersionOnlyDto): Promise<Json> {
    return this.submittals.revise(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Get(':submittal_id/responses')
  @Can('submittals.view', { item: 'submittal_id' })
  @Doc({
    summary: 'List the responses to a submittal',
    description: 'Oldest first; a draft response only to its author.',
    ok: { description: 'The responses (not paged)', schema: ArrayOf(SubmittalResponse) },
  })
  listResponses(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number): Promise<Json[]> {
    return this.responses.list(req.access!.subject, projectOf(req), id);
  }

  @Post(':submittal_id/responses')
  @Can('submittals.respond', { item: 'submittal_id' })
  @Doc({
    summary: 'Respond to a submittal’s workflow step',
    description:
      'Only an approver of the current step who has not submitted yet (403 naming who holds the ball otherwise), on an open submittal in review. A draft holds the step and shows only to its author; a submitted response completes the step once every required approver has submitted, moving the ball to the next step or, after the last, back to the manager; `revise_and_resubmit` and `rejected` return it to the manager at once. One response per approver and step (422 `invalid_transition` when a draft is saved: change it with PATCH).',
    ok: { description: 'The new response', schema: SubmittalResponse },
    errors: ['invalid_transition'],
  })
  respond(@Req() req: FastifyRequest, @Param('submittal_id', IdPipe) id: number, @Body() dto: CreateResponseDto): Promise<Json> {
    return this.responses.create(req.access!.subject, projectOf(req), id, dto, actorOf(req));
  }

  @Patch(':submittal_id/responses/:response_id')
  @Can('submittals.respond', { item: 'submittal_id' })
  @Doc({
    summary: 'Edit or submit your draft response',
    description: 'Only its author; `draft: false` submits it, with the effects of a submitted response. A submitted response is final (422 `invalid_transition`). `version` and `If-Match` are the response’s.',
    ok: { description: 'The response as edited', schema: SubmittalResponse },
    errors: [...VERSIONED, 'invalid_transition'],
  })
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
  @Doc({
    summary: 'List submittal packages',
    list: PACKAGE_LIST,
    ok: { description: 'A page of packages (without their submittals)', schema: SubmittalPackage },
    errors: ['validation_failed'],
  })
  list(@Query() query: Json, @Req() req: FastifyRequest): Promise<Page<Json>> {
    return this.packages.list(projectOf(req), parseListQuery(query, PACKAGE_LIST));
  }

  @Post()
  @Can('submittals.create_package')
  @Doc({
    summary: 'Create a submittal package',
    description: 'Numbered per project.',
    ok: { description: 'The new package', schema: SubmittalPackageWithSubmittals },
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreatePackageDto): Promise<Json> {
    return this.packages.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':package_id')
  @Can('submittals.view')
  @Doc({ summary: 'Read a submittal package', description: 'With the submittals in it that the caller may see.', ok: { description: 'The package', schema: SubmittalPackageWithSubmittals } })
  get(@Req() req: FastifyRequest, @Param('package_id', IdPipe) id: number): Promise<Json> {
    return this.packages.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':package_id')
  @Can('submittals.create_package')
  @Doc({
    summary: 'Edit a submittal package',
    description: 'Fields left out are kept.',
    ok: { description: 'The package as edited', schema: SubmittalPackageWithSubmittals },
    errors: VERSIONED,
  })
  update(@Req() req: FastifyRequest, @Param('package_id', IdPipe) id: number, @Body() dto: UpdatePackageDto): Promise<Json> {
    return this.packages.update(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':package_id')
  @HttpCode(204)
  @Can('submittals.delete')
  @Doc({
    summary: 'Delete a submittal package',
    description: 'Its submittals are kept; they leave the package (`package: null`).',
    ok: { description: 'Deleted' },
    errors: VERSIONED,
  })
  async remove(@Req() req: FastifyRequest, @Param('package_id', IdPipe) id: number): Promise<void> {
    await this.packages.remove(req.access!.subject, projectOf(req), id, versionOf(req), actorOf(req));
  }
}
