import { Body, Controller, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, versionOf } from '../common/http/request-helpers';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { CreateVendorDto, UpdateVendorDto } from './dto/vendor.dto';
import { VENDOR_LIST, VendorsService } from './vendors.service';

@ApiTags('Company Directory')
@Controller('rest/v1.0/companies/:company_id/vendors')
export class VendorsController {
  constructor(private readonly vendors: VendorsService) {}

  @Get()
  @Can('company_directory.view')
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.vendors.list(companyOf(req), parseListQuery(query, VENDOR_LIST));
  }

  @Get(':vendor_id')
  @Can('company_directory.view')
  get(@Req() req: FastifyRequest, @Param('vendor_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.vendors.get(companyOf(req), id);
  }

  @Post()
  @Can('company_directory.create_company')
  create(@Req() req: FastifyRequest, @Body() dto: CreateVendorDto): Promise<Record<string, unknown>> {
    return this.vendors.create(companyOf(req), dto, actorOf(req));
  }

  @Patch(':vendor_id')
  @Can('company_directory.edit_company')
  update(@Req() req: FastifyRequest, @Param('vendor_id', IdPipe) id: number, @Body() dto: UpdateVendorDto): Promise<Record<string, unknown>> {
    return this.vendors.update(companyOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }
}
