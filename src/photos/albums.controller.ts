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
import { AlbumsService } from './albums.service';
import { CreateAlbumDto, ReorderAlbumsDto, UpdateAlbumDto } from './dto/album.dto';
import { Album } from './photos.schemas';

const PRIVATE = 'A private album is seen only by Admins on Photos, its creator and holders of view_private_photos (403 for others).';

@ApiTags('Photos')
@Controller('rest/v1.0/projects/:project_id/image_categories')
export class AlbumsController {
  constructor(private readonly albums: AlbumsService) {}

  @Get()
  @Can('photos.view')
  @Doc({ summary: 'List photo albums', description: `In their order. ${PRIVATE}`, ok: { description: 'The albums the caller may see (not paged)', schema: ArrayOf(Album) } })
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.albums.list(req.access!.subject, projectOf(req));
  }

  @Post()
  @Can('photos.create_album')
  @Doc({ summary: 'Create a photo album', description: 'It goes last in the order; its name is unique in the project (409 `duplicate`).', ok: { description: 'The new album', schema: Album }, errors: ['duplicate'] })
  create(@Req() req: FastifyRequest, @Body() dto: CreateAlbumDto): Promise<Record<string, unknown>> {
    return this.albums.create(companyOf(req), projectOf(req), dto, actorOf(req));
  }

  @Post('actions/reorder')
  @HttpCode(200)
  @Can('photos.reorder_albums')
  @Doc({ summary: 'Put the photo albums in a new order', description: '`album_ids` lists every album of the project once, in the new order (422 naming the ones missing or unknown).', ok: { status: 200, description: 'Every album, in the new order', schema: ArrayOf(Album) } })
  reorder(@Req() req: FastifyRequest, @Body() dto: ReorderAlbumsDto): Promise<Record<string, unknown>[]> {
    return this.albums.reorder(companyOf(req), projectOf(req), dto.album_ids, actorOf(req));
  }

  @Get(':album_id')
  @Can('photos.view')
  @Doc({ summary: 'Read a photo album', description: PRIVATE, ok: { description: 'The album', schema: Album } })
  get(@Req() req: FastifyRequest, @Param('album_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.albums.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':album_id')
  @Can('photos.create_album')
  @Doc({ summary: 'Rename a photo album or change its privacy', description: 'Those who may create albums may rename them.', ok: { description: 'The album as edited', schema: Album }, errors: [...VERSIONED, 'duplicate'] })
  update(@Req() req: FastifyRequest, @Param('album_id', IdPipe) id: number, @Body() dto: UpdateAlbumDto): Promise<Record<string, unknown>> {
    return this.albums.update(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':album_id')
  @HttpCode(204)
  @Can('photos.delete_album')
  @OptionalVersion
  @Doc({ summary: 'Delete a photo album', ok: { description: 'Deleted' }, errors: VERSIONED })
  async remove(@Req() req: FastifyRequest, @Param('album_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.albums.remove(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
