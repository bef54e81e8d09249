import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, PAGE_ONLY, VERSIONED } from '../common/openapi/route-docs';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { CommitmentInvoicesService } from './commitment-invoices.service';
import { COMMITMENT_LIST, CommitmentsService } from './commitments.service';
import { Commitment, CommitmentInvoice } from './contracts.schemas';
import { CreateCommitmentDto, CreateInvoiceDto, UpdateCommitmentDto } from './dto/contracts.dto';

const PRIVATE = 'A private commitment is seen only by Admins on Commitments, its private list, and holders of the view-private key of its type (403 for others).';

@ApiTags('Commitments')
@Controller('rest/v1.0/projects/:project_id/commitments')
export class CommitmentsController {
  constructor(
    private readonly commitments: CommitmentsService,
    private readonly invoices: CommitmentInvoicesService,
  ) {}

  @Get()
  @Can('commitments.view')
  @Doc({ summary: 'List commitments', description: `Subcontracts and purchase orders the caller may see; \`Total\` counts only those. ${PRIVATE}`, list: COMMITMENT_LIST, ok: { description: 'A page of commitments', schema: Commitment }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.commitments.list(req.access!.subject, projectOf(req), parseListQuery(query, COMMITMENT_LIST));
  }

  @Post()
  @Can('commitments.create')
  @Doc({
    summary: 'Create a commitment',
    description: 'A draft subcontract or purchase order with its lines against budget line items. A granular grant creates only its own type. It counts in committed costs once approved.',
    ok: { description: 'The new commitment', schema: Commitment },
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateCommitmentDto): Promise<Record<string, unknown>> {
    return this.commitments.create(companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Get(':commitment_id')
  @Can('commitments.view', { item: 'commitment_id' })
  @Doc({ summary: 'Read a commitment', description: PRIVATE, ok: { description: 'The commitment', schema: Commitment } })
  get(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.commitments.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':commitment_id')
  @Can('commitments.update', { item: 'commitment_id' })
  @Doc({
    summary: 'Edit a commitment',
    description: 'Fields left out are kept; `private_user_ids` and `line_items` replace the lists. The lines of an approved commitment are locked (423 `item_locked`).',
    ok: { description: 'The commitment as edited', schema: Commitment },
    errors: [...VERSIONED, 'item_locked'],
  })
  update(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number, @Body() dto: UpdateCommitmentDto): Promise<Record<string, unknown>> {
    return this.commitments.update(companyOf(req), projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':commitment_id')
  @HttpCode(204)
  @Can('commitments.update', { item: 'commitment_id' })
  @OptionalVersion
  @Doc({ summary: 'Delete a draft commitment', description: 'An approved commitment is locked (423); one with change orders or invoices is refused (400).', ok: { description: 'Deleted' }, errors: [...VERSIONED, 'item_locked', 'invalid_request'] })
  async remove(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.commitments.remove(companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Post(':commitment_id/actions/approve')
  @HttpCode(200)
  @Can('commitments.approve', { item: 'commitment_id' })
  @OptionalVersion
  @Doc({
    summary: 'Approve a commitment',
    description: 'Draft → approved: its lines count in the committed costs once the change reaches the budget (a `sync` job, then the recalculation).',
    ok: { status: 200, description: 'The approved commitment', schema: Commitment },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  approve(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<Record<string, unknown>> {
    return this.commitments.approve(companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }

  @Get(':commitment_id/invoices')
  @Can('commitments.view', { item: 'commitment_id' })
  @Doc({ summary: "List a commitment's invoices", list: PAGE_ONLY, ok: { description: 'A page of invoices', schema: CommitmentInvoice }, errors: ['validation_failed'] })
  listInvoices(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.invoices.list(projectOf(req), id, parseListQuery(query, PAGE_ONLY));
  }

  @Post(':commitment_id/invoices')
  @Can('commitments.update', { item: 'commitment_id' })
  @Doc({
    summary: 'Create an invoice',
    description: "A draft invoice billing the commitment's lines; the commitment must be approved (422 `invalid_transition`). Only approved invoices count in the budget's job-to-date costs.",
    ok: { description: 'The new invoice', schema: CommitmentInvoice },
    errors: ['invalid_transition'],
  })
  createInvoice(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number, @Body() dto: CreateInvoiceDto): Promise<Record<string, unknown>> {
    return this.invoices.create(companyOf(req), projectOf(req), id, dto, actorOf(req));
  }

  @Get(':commitment_id/invoices/:invoice_id')
  @Can('commitments.view', { item: 'commitment_id' })
  @Doc({ summary: 'Read an invoice', ok: { description: 'The invoice', schema: CommitmentInvoice } })
  getInvoice(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number, @Param('invoice_id', IdPipe) invoiceId: number): Promise<Record<string, unknown>> {
    return this.invoices.get(projectOf(req), id, invoiceId);
  }

  @Post(':commitment_id/invoices/:invoice_id/actions/submit')
  @HttpCode(200)
  @Can('commitments.update', { item: 'commitment_id' })
  @OptionalVersion
  @Doc({ summary: 'Submit an invoice for review', description: 'Draft → under review.', ok: { status: 200, description: 'The invoice under review', schema: CommitmentInvoice }, errors: [...VERSIONED, 'invalid_transition'] })
  submitInvoice(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number, @Param('invoice_id', IdPipe) invoiceId: number, @Body() dto: VersionOnlyDto = {}): Promise<Record<string, unknown>> {
    return this.invoices.step(companyOf(req), projectOf(req), id, invoiceId, 'submit', versionOf(req, dto), actorOf(req));
  }

  @Post(':commitment_id/invoices/:invoice_id/actions/approve')
  @HttpCode(200)
  @Can('commitments.approve', { item: 'commitment_id' })
  @OptionalVersion
  @Doc({
    summary: 'Approve an invoice',
    description: "Under review → approved: it counts in the budget's job-to-date costs once the change reaches the budget.",
    ok: { status: 200, description: 'The approved invoice', schema: CommitmentInvoice },
    errors: [...VERSIONED, 'invalid_transition'],
  })
  approveInvoice(@Req() req: FastifyRequest, @Param('commitment_id', IdPipe) id: number, @Param('invoice_id', IdPipe) invoiceId: number, @Body() dto: VersionOnlyDto = {}): Promise<Record<string, unknown>> {
    return this.invoices.step(companyOf(req), projectOf(req), id, invoiceId, 'approve', versionOf(req, dto), actorOf(req));
  }
}
