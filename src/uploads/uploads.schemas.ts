import type { ErrorCode } from '../common/errors/error-codes';
import { ArrayOf, DateTime, Enum, Id, Int, Named, Nullable, Num, Obj, Optional, Str, Type, UserRef, Version } from '../common/openapi/schema';
import { contentTypesOf } from './file-types';
import { MAX_FILES_PER_REQUEST } from './upload-receiver';

/** The content types an attachment is kept and served as (by its content, checked against its extension). */
export const ATTACHMENT_TYPES = contentTypesOf('attachment');

/** What receiving a file can refuse (API.md "Uploads"), beyond a malformed form. */
export const UPLOAD_ERRORS: ErrorCode[] = ['upload_interrupted', 'file_too_large', 'unsupported_file_type', 'empty_file', 'unsafe_file_name', 'too_many_uploads'];

const Binary = Type.String({ format: 'binary' });

/** An upload, as `GET .../uploads/{id}` answers it and as an item lists it among its `attachments`. */
export const Upload = Named(
  'Upload',
  Obj({
    id: Id,
    name: Str({ description: 'The file name as sent', example: 'shop-drawing-rev2.pdf' }),
    content_type: Enum(ATTACHMENT_TYPES, { description: 'What the content is (told by its bytes, matching its extension)' }),
    size: Int({ minimum: 1, description: 'Bytes', example: 482113 }),
    checksum_sha256: Nullable(Type.String({ pattern: '^[0-9a-f]{64}$', example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', description: 'Hex SHA-256 of the content, once `ready`' })),
    processing_status: Enum(['queued', 'processing', 'ready', 'failed'], { description: 'A job takes the file from `queued` to `ready` (or `failed`, with `processing_error`)' }),
    processing_error: Nullable(Str({ description: 'Why processing failed' })),
    url: Nullable(Str({ description: 'Where the content is read, once `ready`', example: '/rest/v1.0/projects/7/uploads/42/content' })),
    attached_to: Nullable(Obj({ type: Enum(['rfi', 'rfi_reply', 'submittal', 'image']), id: Id }, { description: 'The item the upload is attached to; null until then' })),
    uploaded_by: Nullable(UserRef),
    version: Version,
    created_at: DateTime,
    processed_at: Nullable(DateTime),
    image: Nullable(
      Obj(
        {
          width: Int({ minimum: 1, description: 'Pixels, as shown (EXIF orientation applied)' }),
          height: Int({ minimum: 1 }),
          orientation: Nullable(Int({ minimum: 1, maximum: 8, description: 'The EXIF orientation the file carries (1 upright; 6 and 8 are turned a quarter)' })),
          taken_at: Nullable({ ...DateTime, description: "EXIF DateTimeOriginal (the camera's clock, read as UTC)" }),
          location: Nullable(Obj({ latitude: Num({ minimum: -90, maximum: 90 }), longitude: Num({ minimum: -180, maximum: 180 }) }, { description: 'EXIF GPS position, degrees' })),
          thumbnail_url: Str({ description: 'An upright JPEG of at most 320 px a side', example: '/rest/v1.0/projects/7/uploads/42/thumbnail' }),
        },
        { description: 'What processing read from an image (JPEG, PNG, WebP, TIFF, GIF) once `ready`; null for other files' },
      ),
    ),
  }),
);

/** The body of `POST .../uploads`: one file, in one of the file parts, and nothing else. */
export const UploadForm = Obj(
  {
    file: Optional(Binary),
    'attachments[]': Optional(Binary),
    'image[data]': Optional(Binary),
  },
  { description: 'Exactly one file, in the part `file` (the reference platform’s `attachments[]` and `image[data]` are accepted too); no text parts' },
);

/** The file parts an RFI, reply or submittal form has beside its fields (`@Doc` `form`). */
export const ITEM_FILE_PARTS = Obj({
  file: Optional(ArrayOf(Binary, { maxItems: MAX_FILES_PER_REQUEST, description: `Files to attach (a repeated part); at most ${MAX_FILES_PER_REQUEST} in all the file parts` })),
  'attachments[]': Optional(ArrayOf(Binary, { maxItems: MAX_FILES_PER_REQUEST, description: 'The reference platform’s name for the file part' })),
  'image[data]': Optional(ArrayOf(Binary, { maxItems: MAX_FILES_PER_REQUEST, description: 'The reference platform’s name for an image part' })),
});

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });

/** A segmented upload: a large file on its way in, segment by segment, until `complete` makes it an upload. */
export const SegmentedUpload = Named(
  'SegmentedUpload',
  Obj({
    id: Id,
    status: Enum(['open', 'completed'], { description: '`open` while segments arrive; `completed` once `complete` made the upload (`upload_id`)' }),
    file_name: Str({ example: 'Level 2 scan.pdf' }),
    kind: Enum(['attachment', 'photo', 'drawing']),
    size_bytes: Int({ minimum: 1, description: "The whole file's size", example: 734003200 }),
    segment_bytes: Int({ minimum: 1, description: 'The size of every segment but the last', example: 8388608 }),
    segment_count: Int({ minimum: 1, example: 88 }),
    last_segment_bytes: Int({ minimum: 1, description: 'The size of the last segment (the rest)', example: 4194304 }),
    sha256: Nullable({ ...Sha256, description: 'The whole file’s SHA-256, when it was given at the start' }),
    segments_received: ArrayOf(Int({ minimum: 1 }), { description: 'The numbers of the segments stored, ascending' }),
    segments_missing: ArrayOf(Int({ minimum: 1 }), { description: 'The numbers of the segments still to send, ascending' }),
    upload_id: Nullable({ ...Id, description: 'The upload `complete` made (`GET .../uploads/{id}`); null while open' }),
    expires_at: { ...DateTime, description: 'When it is deleted with its segments, on the sandbox clock (24 h after it was opened); calls after that answer 410, then 404' },
    created_at: DateTime,
  }),
);

/** The body of `PUT .../segments/{n}`: the segment's bytes. */
export const SegmentBytes = Type.String({ format: 'binary', description: 'The bytes of the segment, exactly its size (`segment_bytes`, or `last_segment_bytes` for the last)' });

/** What adding segments and completing can refuse beyond the body's validation. */
export const SEGMENT_ERRORS: ErrorCode[] = ['checksum_mismatch', 'upload_expired', 'invalid_transition', 'upload_interrupted', 'too_many_uploads'];
