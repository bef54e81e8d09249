import { Body, Controller, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Doc } from '../common/openapi/doc.decorator';
import { Can } from '../permissions/route-access';
import { Vendor } from './directory.schemas';
import { CreateVendorDto, UpdateVendorDto } from './dto/vendor.dto';
import { VENDOR_LIST, VendorsService } from './vendors.service';

@ApiTags('Company Directory')
@Controller('rest/v1.0/companies/:company_id/vendors')
export class VendorsController {
  constructor(private readonly vendors: VendorsService) {}

  @Get()
  @Can('company_directory.view')
  @Doc({
    summary: 'List the companies of the company directory',
    description: 'Subcontractors, design firms, owners and the company itself (the platform calls them vendors); `filters[query]` matches the name.',
    list: VENDOR_LIST,
    ok: { description: 'A page of companies', schema: Vendor },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.vendors.list(companyOf(req), parseListQuery(query, VENDOR_LIST));
  }

  @Get(':vendor_id')
  @Can('company_directory.view')
  @Doc({ summary: 'Get a company of the company directory', ok: { description: 'The company', schema: Vendor } })
  get(@Req() req: FastifyRequest, @Param('vendor_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.vendors.get(companyOf(req), id);
  }

  @Post()
  @Can('company_directory.create_company')
  @Doc({
    summary: 'Add a company to the company directory',
    description: 'Names are unique in the directory (409 `duplicate`).',
    ok: { description: 'The created company', schema: Vendor },
    errors: ['duplicate'],
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateVendorDto): Promise<Record<string, unknown>> {
    return this.vendors.create(companyOf(req), dto, actorOf(req));
  }

  @Patch(':vendor_id')
  @Can('company_directory.edit_company')
  @Doc({
    summary: 'Edit a company of the company directory',
    description: 'Changes only the fields sent; `null` clears `trade` or `email_address`; `is_active: false` retires the company.',
    ok: { description: 'The company as edited', schema: Vendor },
    errors: ['edit_conflict', 'duplicate'],
  })
  update(@Req() req: FastifyRequest, @Param('vendor_id', IdPipe) id: number, @Body() dto: UpdateVendorDto): Promise<Record<string, unknown>> {
    return this.vendors.update(companyOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }
}
