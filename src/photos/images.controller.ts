import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { OptionalVersion, VERSIONED } from '../common/openapi/route-docs';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { VersionOnlyDto } from '../directory/dto/user.dto';
import { Can } from '../permissions/route-access';
import { AcceptsFileParts } from '../uploads/multipart-form';
import { ITEM_FILE_PARTS, UPLOAD_ERRORS } from '../uploads/uploads.schemas';
import { CreateImageDto, UpdateImageDto } from './dto/image.dto';
import { IMAGE_LIST, ImagesService } from './images.service';
import { Image } from './photos.schemas';


@ApiTags('Photos')
@Controller('rest/v1.0/projects/:project_id/images')
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Get()
  @Can('photos.view')
  @Doc({
    summary: 'List photos',
    description: 'Processed photos (and your own while they process); private ones and those in private albums only for Admins, their uploader and view_private_photos. `Total` counts only those.',
    list: IMAGE_LIST,
    ok: { description: 'A page of photos', schema: Image },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    return this.images.list(req.access!.subject, projectOf(req), parseListQuery(query, IMAGE_LIST));
  }

  @Post()
  @Can('photos.upload')
  @AcceptsFileParts(CreateImageDto, 'photo')
  @Doc({
    summary: 'Upload a photo',
    description:
      '`multipart/form-data`: the image in the part `file` (or `image[data]`), and `image_category_id`, `description`, `private`, `taken_at` as text parts. One image per photo (422 without one or with two). JPEG, PNG, WebP, TIFF, GIF and HEIC, within the sandbox’s `upload_limits.photo_bytes`. It answers `queued`; others see it once processing (decoding, EXIF, thumbnail) has made it `ready`.',
    ok: { description: 'The new photo', schema: Image },
    form: ITEM_FILE_PARTS,
    errors: UPLOAD_ERRORS,
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateImageDto): Promise<Record<string, unknown>> {
    return this.images.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':image_id')
  @Can('photos.view', { item: 'image_id' })
  @Doc({ summary: 'Read a photo', ok: { description: 'The photo', schema: Image } })
  get(@Req() req: FastifyRequest, @Param('image_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.images.get(req.access!.subject, projectOf(req), id);
  }

  @Patch(':image_id')
  @Can('photos.edit', { item: 'image_id' })
  @Doc({ summary: 'Edit a photo', description: 'Its description, privacy, capture time, or album (a move). Admins, or its uploader (Standard).', ok: { description: 'The photo as edited', schema: Image }, errors: VERSIONED })
  update(@Req() req: FastifyRequest, @Param('image_id', IdPipe) id: number, @Body() dto: UpdateImageDto): Promise<Record<string, unknown>> {
    return this.images.update(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }

  @Delete(':image_id')
  @HttpCode(204)
  @Can('photos.delete', { item: 'image_id' })
  @OptionalVersion
  @Doc({ summary: 'Delete a photo', description: 'With its file. Admins, or its uploader (Standard).', ok: { description: 'Deleted' }, errors: VERSIONED })
  async remove(@Req() req: FastifyRequest, @Param('image_id', IdPipe) id: number, @Body() dto: VersionOnlyDto = {}): Promise<void> {
    await this.images.remove(req.access!.subject, projectOf(req), id, versionOf(req, dto), actorOf(req));
  }
}
