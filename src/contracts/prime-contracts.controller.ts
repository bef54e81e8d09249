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
import { PrimeContract } from './contracts.schemas';
import { CreatePrimeContractDto, UpdatePrimeContractDto } from './dto/contracts.dto';
import { PrimeContractsService } from './prime-contracts.service';

@ApiTags('Prime Contracts')
@Controller('rest/v1.0/projects/:project_id/prime_contracts')
export class PrimeContractsController {
  constructor(private readonly contracts: PrimeContractsService) {}

  @Get()
  @Can('prime_contracts.view')
  @Doc({ summary: 'List prime contracts', list: PAGE_ONLY, ok: { description: 'A page of prime contracts', schema: PrimeContract }, errors: ['validation_failed'] })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.contracts.list(projectOf(req), parseListQuery(query, PAGE_ONLY));
  }

  @Post()
  @Can('prime_contracts.create')
  @Doc({ summary: 'Create a prime contract', description: 'Its `number` is unique in the project (409 `duplicate`).', ok: { description: 'The new prime contract', schema: PrimeContract }, errors: ['duplicate'] })
  create(@Req() req: FastifyRequest, @Body() dto: CreatePrimeContractDto): Promise<Record<string, unknown>> {
    return this.contracts.create(companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Get(':prime_contract_id')
  @Can('prime_contracts.view')
  @Doc({ summary: 'Read a prime contract', ok: { description: 'The prime contract', schema: PrimeContract } })
  get(@Req() req: FastifyRequest, @Param('prime_contract_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.contracts.get(projectOf(req), id);
  }

  @Patch(':prime_contract_id')
  @Can('prime_contracts.update')
  @Doc({ summary: 'Edit a prime contract', ok: { description: 'The prime contract as edited', schema: PrimeContract }, errors: [...VERSIONED, 'duplicate'] })
  update(@Req() req: FastifyRequest, @Param('prime_contract_id', IdPipe) id: number, @Body() dto: UpdatePrimeContractDto): Promise<Record<string, unknown>> {
    return this.contracts.update(companyOf(req), projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':prime_contract_id')
  @HttpCode(204)
  @Can('prime_contracts.delete')
  @OptionalVersion
  @Doc({ summary: 'Delete a prime contract', description: 'Refused (400) while change orders are written against it.', ok: { description: 'Deleted' }, errors: [...VERSIONED, 'invalid_request'] })
  async remove(@Req() req: FastifyRequest, @Param('prime_contract_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.contracts.remove(companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
