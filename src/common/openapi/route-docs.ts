import { ApiBody } from '@nestjs/swagger';
import type { ErrorCode } from '../errors/error-codes';
import { VersionOnlyDto } from '../../directory/dto/user.dto';

/** A write based on a version (If-Match or body `version`): a stale one is 409; a malformed If-Match 422. */
export const VERSIONED: ErrorCode[] = ['edit_conflict', 'validation_failed'];
/** A list with no filters, sorted by id: paging only. */
export const PAGE_ONLY = { filters: {}, sorts: ['id'] as const, defaultSort: 'id' as const };
/** Actions and deletes take an optional body (`version`). */
export const OptionalVersion = ApiBody({ type: VersionOnlyDto, required: false });
