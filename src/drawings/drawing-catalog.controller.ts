import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, companyOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, VERSIONED } from '../common/openapi/route-docs';
import { ArrayOf } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { DrawingCatalogService } from './drawing-catalog.service';
import { DrawingArea, DrawingSet } from './drawings.schemas';
import { CreateDrawingAreaDto, CreateDrawingSetDto, UpdateDrawingAreaDto } from './dto/drawings.dto';

type Json = Record<string, unknown>;

@ApiTags('Drawings')
@Controller('rest/v1.0/projects/:project_id/drawing_areas')
export class DrawingAreasController {
  constructor(private readonly catalog: DrawingCatalogService) {}

  @Get()
  @Can('drawings.view')
  @Doc({ summary: 'List drawing areas', description: 'By name. A drawing is a sheet number within an area (or the project, without one).', ok: { description: 'The areas (not paged)', schema: ArrayOf(DrawingArea) } })
  list(@Req() req: FastifyRequest): Promise<Json[]> {
    return this.catalog.list('drawing_areas', projectOf(req));
  }

  @Post()
  @Can('drawings.upload')
  @Doc({ summary: 'Create a drawing area', description: 'Its name is unique in the project (409 `duplicate`).', ok: { description: 'The new area', schema: DrawingArea }, errors: ['duplicate'] })
  create(@Req() req: FastifyRequest, @Body() dto: CreateDrawingAreaDto): Promise<Json> {
    return this.catalog.create('drawing_areas', companyOf(req), projectOf(req), dto.name, actorOf(req));
  }

  @Patch(':drawing_area_id')
  @Can('drawings.upload')
  @Doc({ summary: 'Rename a drawing area', ok: { description: 'The area as renamed', schema: DrawingArea }, errors: [...VERSIONED, 'duplicate'] })
  update(@Req() req: FastifyRequest, @Param('drawing_area_id', IdPipe) id: number, @Body() dto: UpdateDrawingAreaDto): Promise<Json> {
    return this.catalog.rename('drawing_areas', companyOf(req), projectOf(req), id, dto.name, versionOf(req, dto), actorOf(req));
  }

  @Delete(':drawing_area_id')
  @HttpCode(204)
  @Can('drawings.upload')
  @OptionalVersion
  @Doc({ summary: 'Delete a drawing area', description: 'Only an empty one: an area with drawings or uploads answers 422 `invalid_transition`.', ok: { description: 'Deleted' }, errors: [...VERSIONED, 'invalid_transition'] })
  async remove(@Req() req: FastifyRequest, @Param('drawing_area_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.catalog.remove('drawing_areas', companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}

@ApiTags('Drawings')
@Controller('rest/v1.0/projects/:project_id/drawing_sets')
export class DrawingSetsController {
  constructor(private readonly catalog: DrawingCatalogService) {}

  @Get()
  @Can('drawings.view')
  @Doc({ summary: 'List drawing sets', description: 'By name: the issues drawings were published in.', ok: { description: 'The sets (not paged)', schema: ArrayOf(DrawingSet) } })
  list(@Req() req: FastifyRequest): Promise<Json[]> {
    return this.catalog.list('drawing_sets', projectOf(req));
  }

  @Get(':drawing_set_id')
  @Can('drawings.view')
  @Doc({ summary: 'Read a drawing set', ok: { description: 'The set', schema: DrawingSet } })
  get(@Req() req: FastifyRequest, @Param('drawing_set_id', IdPipe) id: number): Promise<Json> {
    return this.catalog.get('drawing_sets', projectOf(req), id);
  }

  @Post()
  @Can('drawings.review_upload')
  @Doc({ summary: 'Create a drawing set', description: 'To publish uploads into (`drawing_set_id`); its name is unique in the project (409 `duplicate`).', ok: { description: 'The new set', schema: DrawingSet }, errors: ['duplicate'] })
  create(@Req() req: FastifyRequest, @Body() dto: CreateDrawingSetDto): Promise<Json> {
    return this.catalog.create('drawing_sets', companyOf(req), projectOf(req), dto.name, actorOf(req));
  }

  @Patch(':drawing_set_id')
  @Can('drawings.review_upload')
  @Doc({ summary: 'Rename a drawing set', ok: { description: 'The set as renamed', schema: DrawingSet }, errors: [...VERSIONED, 'duplicate'] })
  update(@Req() req: FastifyRequest, @Param('drawing_set_id', IdPipe) id: number, @Body() dto: UpdateDrawingAreaDto): Promise<Json> {
    return this.catalog.rename('drawing_sets', companyOf(req), projectOf(req), id, dto.name, versionOf(req, dto), actorOf(req));
  }

  @Delete(':drawing_set_id')
  @HttpCode(204)
  @Can('drawings.review_upload')
  @OptionalVersion
  @Doc({ summary: 'Delete a drawing set', description: 'Only an empty one: a set holding revisions answers 422 `invalid_transition`.', ok: { description: 'Deleted' }, errors: [...VERSIONED, 'invalid_transition'] })
  async remove(@Req() req: FastifyRequest, @Param('drawing_set_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.catalog.remove('drawing_sets', companyOf(req), projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
