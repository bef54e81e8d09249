import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, projectOf, versionOf } from '../common/http/request-helpers';
import { Doc } from '../common/openapi/doc.decorator';
import { VERSIONED } from '../common/openapi/route-docs';
import { Page, parseListQuery } from '../common/pagination';
import { IdPipe } from '../common/validation/id.pipe';
import { Can } from '../permissions/route-access';
import { AcceptsFileParts } from '../uploads/multipart-form';
import { ITEM_FILE_PARTS, UPLOAD_ERRORS } from '../uploads/uploads.schemas';
import { DRAWING_UPLOAD_LIST, DrawingUploadsService } from './drawing-uploads.service';
import { DrawingUpload } from './drawings.schemas';
import { CreateDrawingUploadDto, PublishDrawingUploadDto } from './dto/drawings.dto';

type Json = Record<string, unknown>;

@ApiTags('Drawings')
@Controller('rest/v1.0/projects/:project_id/drawing_uploads')
export class DrawingUploadsController {
  constructor(private readonly uploads: DrawingUploadsService) {}

  @Get()
  @Can('drawings.upload')
  @Doc({
    summary: 'List drawing uploads',
    description: 'Newest first. Admins and reviewers (upload_and_review_drawings) see every upload of the project; other uploaders their own.',
    list: DRAWING_UPLOAD_LIST,
    ok: { description: 'A page of drawing uploads', schema: DrawingUpload },
    errors: ['validation_failed'],
  })
  list(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>): Promise<Page<Json>> {
    return this.uploads.list(req.access!.subject, projectOf(req), parseListQuery(query, DRAWING_UPLOAD_LIST));
  }

  @Post()
  @Can('drawings.upload')
  @AcceptsFileParts(CreateDrawingUploadDto, 'drawing')
  @Doc({
    summary: 'Upload drawings (a PDF)',
    description:
      '`multipart/form-data`: the PDF in the part `file`, and `drawing_area_id` as a text part. PDF only (by content), within the sandbox’s `upload_limits.drawing_bytes`. It answers `processing`; the job reads one sheet per page (number and title from the title block, a preview), then the upload is `awaiting_review` until a reviewer publishes it.',
    ok: { description: 'The new drawing upload', schema: DrawingUpload },
    form: ITEM_FILE_PARTS,
    errors: UPLOAD_ERRORS,
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateDrawingUploadDto): Promise<Json> {
    return this.uploads.create(req.access!.subject, projectOf(req), dto, actorOf(req));
  }

  @Get(':drawing_upload_id')
  @Can('drawings.upload')
  @Doc({
    summary: 'Read a drawing upload',
    description: 'Its `status` and, once processed, its `sheets` with the numbers and titles read from them. 404 for another uploader’s unless you review drawings.',
    ok: { description: 'The drawing upload', schema: DrawingUpload },
  })
  get(@Req() req: FastifyRequest, @Param('drawing_upload_id', IdPipe) id: number): Promise<Json> {
    return this.uploads.get(req.access!.subject, projectOf(req), id);
  }

  @Post(':drawing_upload_id/actions/publish')
  @HttpCode(200)
  @Can('drawings.review_upload')
  @ApiBody({ type: PublishDrawingUploadDto, required: false })
  @Doc({
    summary: 'Review and publish a drawing upload',
    description:
      'Every sheet becomes the next revision of the drawing with its number in the upload’s area (a new drawing for a new number), in the set `drawing_set_id` or a new one (`set_name`, default: named after the file). `sheets` confirms or corrects numbers and titles; sheets not listed keep what was read. A sheet without a number, two sheets with one number, or an unknown sheet answer 422 and nothing is published; an upload still processing, failed or already published answers 422 `invalid_transition`.',
    ok: { status: 200, description: 'The upload, published, with its sheets as revisions', schema: DrawingUpload },
    errors: [...VERSIONED, 'invalid_transition', 'duplicate'],
  })
  publish(@Req() req: FastifyRequest, @Param('drawing_upload_id', IdPipe) id: number, @Body() dto: PublishDrawingUploadDto = {}): Promise<Json> {
    return this.uploads.publish(req.access!.subject, projectOf(req), id, dto, versionOf(req, dto), actorOf(req));
  }
}
