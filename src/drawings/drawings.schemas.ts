import { ArrayOf, Bool, DateTime, Enum, Id, Int, Named, Nullable, Num, Obj, Str, Version } from '../common/openapi/schema';
import { ShapeSchema } from './markup-shapes';

const Ref = (description: string) => Nullable(Obj({ id: Id, name: Str() }, { description }));
const SheetNumber = Str({ maxLength: 64, example: 'A-101' });
const SheetTitle = Str({ maxLength: 255, example: 'FIRST FLOOR PLAN' });

export const DrawingArea = Named(
  'DrawingArea',
  Obj({ id: Id, project_id: Id, name: Str({ maxLength: 255, example: 'Building A' }), created_by_id: Nullable(Id), version: Version, created_at: DateTime, updated_at: DateTime }),
);

export const DrawingSet = Named(
  'DrawingSet',
  Obj({ id: Id, project_id: Id, name: Str({ maxLength: 255, example: 'Issued for construction' }), created_by_id: Nullable(Id), version: Version, created_at: DateTime, updated_at: DateTime }),
);

export const DrawingSheet = Named(
  'DrawingSheet',
  Obj({
    id: Id,
    page: Int({ minimum: 1, description: 'Its page in the uploaded PDF' }),
    number: Nullable({ ...SheetNumber, description: 'As confirmed at publication, else as read from the title block (null: none found; one must be given to publish)' }),
    title: Nullable({ ...SheetTitle, description: 'As confirmed, else as read from the title block' }),
    detected_number: Nullable({ ...SheetNumber, description: 'What processing read from the page' }),
    detected_title: Nullable({ ...SheetTitle, description: 'What processing read from the page' }),
    status: Enum(['awaiting_review', 'published'] as const, { description: 'A sheet waits for a reviewer, who publishes it as a revision' }),
    drawing_revision_id: Id,
    drawing_id: Nullable(Id),
    revision_number: Nullable(Int({ minimum: 1 })),
    preview_url: Str({ description: 'A PNG rendering of the page' }),
  }),
);

export const DrawingUpload = Named(
  'DrawingUpload',
  Obj({
    id: Id,
    project_id: Id,
    drawing_area: Ref('Where its drawings go'),
    drawing_set: Ref('The set it was published into'),
    file_name: Str(),
    size: Int({ minimum: 1 }),
    upload_id: Id,
    status: Enum(['processing', 'awaiting_review', 'published', 'failed'] as const, {
      description: '`processing` until every page is read into a sheet; then `awaiting_review` until a reviewer publishes it; `failed` with `processing_error` for a PDF that cannot be read',
    }),
    processing_error: Nullable(Str()),
    page_count: Nullable(Int({ minimum: 1 })),
    sheets: ArrayOf(DrawingSheet, { description: 'One per page, once processed' }),
    uploaded_by_id: Nullable(Id),
    published_at: Nullable(DateTime),
    published_by_id: Nullable(Id),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

const RevisionFields = {
  id: Id,
  project_id: Id,
  drawing_id: Nullable({ ...Id, description: 'Set when published' }),
  drawing_upload_id: Id,
  drawing_area: Ref('Its area'),
  drawing_set: Ref('The set it was published in'),
  page: Int({ minimum: 1 }),
  number: Nullable(SheetNumber),
  title: Nullable(SheetTitle),
  revision_number: Nullable(Int({ minimum: 1, description: '1 for the first published revision of its drawing, then 2, …' })),
  status: Enum(['awaiting_review', 'published'] as const, { description: 'Only Admins and reviewers see revisions awaiting review' }),
  current: Bool({ description: "Whether it is its drawing's newest published revision" }),
  width: Num({ minimum: 1, description: 'The sheet, in PDF points: markup coordinates lie within it' }),
  height: Num({ minimum: 1 }),
  preview_url: Str({ description: 'A PNG rendering of the sheet' }),
  file_url: Str({ description: 'The PDF it came from' }),
  markups_url: Str({ description: 'Its markups: they load separately from the sheet' }),
  published_at: Nullable(DateTime),
  published_by_id: Nullable(Id),
  version: Version,
  created_at: DateTime,
  updated_at: DateTime,
};

export const DrawingRevision = Named('DrawingRevision', Obj(RevisionFields));

export const Drawing = Named(
  'Drawing',
  Obj({
    id: Id,
    project_id: Id,
    drawing_area: Ref('Its area'),
    number: SheetNumber,
    title: { ...SheetTitle, description: 'The title of its current revision' },
    revisions_count: Int({ minimum: 1, description: 'Published revisions' }),
    current_revision: Obj({ id: Id, revision_number: Int({ minimum: 1 }), drawing_set: Ref('Its set'), published_at: DateTime, preview_url: Str() }, { description: 'The newest published revision' }),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

export const Markup = Named(
  'Markup',
  Obj({
    id: Id,
    project_id: Id,
    drawing_revision_id: Id,
    layer: Enum(['personal', 'published'] as const, { description: '`personal`: seen only by its author; `published`: by everyone who sees the drawing' }),
    shapes: ArrayOf(ShapeSchema),
    rfi_ids: ArrayOf(Id, { description: 'RFIs of the project it points to' }),
    created_by_id: Nullable(Id),
    published_at: Nullable(DateTime),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);
