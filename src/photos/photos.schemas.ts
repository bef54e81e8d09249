import { Bool, DateTime, Enum, Id, Int, Named, Nullable, Num, Obj, Str, Version } from '../common/openapi/schema';

export const Album = Named(
  'ImageCategory',
  Obj({
    id: Id,
    project_id: Id,
    name: Str({ maxLength: 255, example: 'Level 2 slab pour' }),
    private: Bool({ description: 'Seen only by Admins on Photos, its creator and holders of view_private_photos' }),
    position: Int({ minimum: 1, description: 'Its place in the project’s order of albums' }),
    created_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const Image = Named(
  'Image',
  Obj({
    id: Id,
    project_id: Id,
    image_category: Nullable(Obj({ id: Id, name: Str() }, { description: 'Its album' })),
    description: Str({ maxLength: 2000 }),
    private: Bool({ description: 'Seen only by Admins on Photos, its uploader and holders of view_private_photos' }),
    taken_at: Nullable({ ...DateTime, description: "When it was taken: as set, else the camera's EXIF time (read as UTC)" }),
    location: Nullable(Obj({ latitude: Num({ minimum: -90, maximum: 90 }), longitude: Num({ minimum: -180, maximum: 180 }) }, { description: 'EXIF GPS position, degrees' })),
    width: Nullable(Int({ minimum: 1, description: 'Pixels as shown, once processed' })),
    height: Nullable(Int({ minimum: 1 })),
    file_name: Str(),
    content_type: Str({ example: 'image/jpeg' }),
    size: Int({ minimum: 1 }),
    processing_status: Enum(['queued', 'processing', 'ready', 'failed'] as const, { description: 'Others see the photo once `ready`' }),
    processing_error: Nullable(Str()),
    url: Nullable(Str({ description: 'The file, once ready' })),
    thumbnail_url: Nullable(Str({ description: 'A 320 px upright JPEG, once ready' })),
    uploaded_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);
