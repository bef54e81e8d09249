import { Body, Controller, Get, Headers, Param, ParseIntPipe, Post, Put, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { AppError } from '../common/errors';
import { ItemLocation } from '../common/http/item-headers.interceptor';
import { actorOf, projectOf } from '../common/http/request-helpers';
import { underBothVersions } from '../common/http/versioned-paths';
import { Doc } from '../common/openapi/doc.decorator';
import { Type } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { ProjectMember } from '../permissions/route-access';
import { CompleteSegmentedUploadDto, CreateSegmentedUploadDto, MAX_SEGMENTS } from './dto/segmented-upload.dto';
import { SegmentedCaller, SegmentedUploads, SEGMENTED_TTL_MS } from './segmented-uploads.service';
import { SEGMENT_ERRORS, SegmentBytes, SegmentedUpload, Upload } from './uploads.schemas';

type Json = Record<string, unknown>;

const TTL = `${SEGMENTED_TTL_MS / 3600_000} h`;
const MINE = 'Only its opener sees it (404 for anyone else).';
const SEGMENT_PARAM = { segment_number: { schema: Type.Integer({ minimum: 1, maximum: MAX_SEGMENTS }), description: 'The segment, from 1 to `segment_count`' } };

function callerOf(req: FastifyRequest): SegmentedCaller {
  return { companyId: req.auth!.companyId, projectId: projectOf(req), settings: req.auth!.settings, actor: actorOf(req) };
}

/**
 * Segmented uploads: a large file in numbered segments, each checked on its
 * own, joined by `complete` into an upload like `POST .../uploads` makes.
 * Whoever may upload (any active project member) may upload in segments.
 */
@ApiTags('Uploads')
@Controller(underBothVersions('uploads/segmented'))
export class SegmentedUploadsController {
  constructor(private readonly segmented: SegmentedUploads) {}

  @Post()
  @ProjectMember()
  @Doc({
    summary: 'Start a segmented upload of a large file',
    description:
      'Announces the file: its name (refused as `POST .../uploads` refuses it: 422 `unsafe_file_name`, 415 `unsupported_file_type` for an extension the kind does not take), ' +
      `its size (413 \`file_too_large\` over the sandbox's \`upload_limits\` for the kind) and how it is cut: \`segment_count\` or \`segment_bytes\` (neither: 8 MiB segments). ` +
      `Then send each segment (\`PUT .../segments/{n}\`) and complete. It expires ${TTL} after it is opened, on the sandbox clock; then it and its segments are deleted. ${MINE}`,
    ok: { description: 'The segmented upload, open, no segment received yet', schema: SegmentedUpload },
    errors: ['file_too_large', 'unsupported_file_type', 'unsafe_file_name'],
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateSegmentedUploadDto): Promise<Json> {
    return this.segmented.create(callerOf(req), dto);
  }

  @Get(':segmented_upload_id')
  @ProjectMember()
  @Doc({
    summary: 'Read a segmented upload',
    description: `Which segments arrived and which are missing. 410 \`upload_expired\` once its time is up, 404 once it is deleted. ${MINE}`,
    ok: { description: 'The segmented upload', schema: SegmentedUpload },
    errors: ['upload_expired'],
  })
  get(@Req() req: FastifyRequest, @Param('segmented_upload_id', IdPipe) id: number): Promise<Json> {
    return this.segmented.get(callerOf(req), id);
  }

  @Put(':segmented_upload_id/segments/:segment_number')
  @ProjectMember()
  @Doc({
    summary: 'Send one segment',
    description:
      'The body is the segment’s bytes (`Content-Type: application/octet-stream`), exactly its size; `X-Segment-Sha256` is their hex SHA-256. ' +
      'A segment whose bytes do not match it answers 422 `checksum_mismatch` (`details.expected_sha256`, `details.actual_sha256`) and nothing of it is kept. ' +
      'Sending a segment again replaces it. Refused once completed (422 `invalid_transition`) or expired (410). Counts as an upload in progress (429 `too_many_uploads`).',
    params: SEGMENT_PARAM,
    headers: { 'X-Segment-Sha256': { schema: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }), description: 'The hex SHA-256 of the segment’s bytes', required: true } },
    body: { content: { 'application/octet-stream': SegmentBytes } },
    ok: { description: 'The segmented upload, with this segment received', schema: SegmentedUpload },
    errors: SEGMENT_ERRORS,
  })
  put(
    @Req() req: FastifyRequest,
    @Param('segmented_upload_id', IdPipe) id: number,
    @Param('segment_number', new ParseIntPipe({ exceptionFactory: () => AppError.field('segment_number', 'must be a whole number from 1') })) n: number,
    @Headers('x-segment-sha256') sha256: string | undefined,
  ): Promise<Json> {
    if (n < 1) throw AppError.field('segment_number', 'must be a whole number from 1');
    if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256)) {
      throw AppError.field('X-Segment-Sha256', 'is required: the hex SHA-256 (64 digits) of the segment’s bytes');
    }
    if (!(req.body instanceof Readable)) {
      throw new AppError('invalid_request', 'Send the segment’s bytes as the body, with Content-Type: application/octet-stream.', { content_type: req.headers['content-type'] ?? null });
    }
    return this.segmented.putSegment(callerOf(req), id, n, sha256.toLowerCase(), req.body);
  }

  @Post(':segmented_upload_id/actions/complete')
  @ProjectMember()
  @ItemLocation((id, req) => `${req.url.split('/uploads/segmented/')[0]}/uploads/${id}`)
  @Doc({
    summary: 'Join the segments into an upload',
    description:
      'Every segment must have arrived (422 `segments_missing`, with `details.missing`). The joined file is checked as `POST .../uploads` checks a file: ' +
      'its type by its first bytes (415), the size limit (413), and its SHA-256 against `sha256` (given here or at the start; 422 `checksum_mismatch`). ' +
      'Then it is an upload like any other: `processing_status: queued`, its job makes it `ready`; attach it by `upload_ids`. Completing again answers the same upload.',
    ok: { description: 'The upload the segments made, queued for processing', schema: Upload },
    errors: ['file_too_large', 'unsupported_file_type', 'segments_missing', 'checksum_mismatch', 'upload_expired'],
  })
  @ApiBody({ type: CompleteSegmentedUploadDto, required: false })
  complete(@Req() req: FastifyRequest, @Param('segmented_upload_id', IdPipe) id: number, @Body() dto: CompleteSegmentedUploadDto = {}): Promise<Json> {
    return this.segmented.complete(callerOf(req), id, dto);
  }
}
