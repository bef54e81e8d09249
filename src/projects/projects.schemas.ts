import { Bool, DateTime, Enum, Id, Int, Named, Nullable, Obj, Str, Version } from '../common/openapi/schema';
import { PROJECT_TOOLS } from '../permissions/permission.types';

/** A project (`mapProject`). */
export const Project = Named(
  'Project',
  Obj({
    id: Id,
    name: Str({ example: 'Riverside Medical Office Building' }),
    project_number: Nullable(Str({ example: 'RMB-2026' })),
    address: Nullable(Str({ example: '400 River Rd, Springfield' })),
    active: Bool(),
    company: Obj({ id: Id, name: Str({ example: 'Keystone Builders' }) }),
    rfi_due_days: Int({ minimum: 1, maximum: 365, description: 'Default RFI due date, in business days after opening (default 7)', example: 7 }),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

/** A project tool and whether it is switched on (`ToolView`). */
export const ProjectTool = Named(
  'ProjectTool',
  Obj({
    name: Enum(PROJECT_TOOLS),
    title: Str({ example: 'RFIs' }),
    active: Bool({ description: 'Switched on: an inactive tool answers 403 `tool_inactive` to everyone' }),
    can_deactivate: Bool({ description: 'False for the core tools (admin, directory)' }),
    updated_at: Nullable(DateTime),
  }),
);
