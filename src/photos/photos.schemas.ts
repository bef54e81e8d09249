import { Bool, DateTime, Id, Int, Named, Nullable, Obj, Str, Version } from '../common/openapi/schema';

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
