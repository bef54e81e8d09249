import { ArrayOf, Bool, DateTime, Email, Enum, Id, Int, Named, Nullable, Obj, Str, Type, Version } from '../common/openapi/schema';
import { ALL_GRANULAR_KEYS, COMPANY_TOOLS, LEVELS, PROJECT_TOOLS } from '../permissions/permission.types';

/** A vendor or template as a user or member refers to it (API.md "Writes": at least `id` and `name`). */
const Ref = (example: string) => Obj({ id: Id, name: Str({ example }) });

/** A company in the company directory (`mapVendor`). */
export const Vendor = Named(
  'Vendor',
  Obj({
    id: Id,
    name: Str({ example: 'Northline Mechanical' }),
    trade_name: Nullable(Str({ description: 'The trade (input field `trade`)', example: 'HVAC' })),
    email_address: Nullable(Email),
    is_active: Bool(),
    is_own_company: Bool({ description: 'The company itself (the GC), as opposed to a subcontractor, design firm or owner' }),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

/** A person in the company directory (`mapUser`). */
export const CompanyUser = Named(
  'CompanyUser',
  Obj({
    id: Id,
    login: Email,
    name: Str({ example: 'Sam Okafor' }),
    email_address: Email,
    job_title: Nullable(Str({ example: 'Superintendent' })),
    is_active: Bool({ description: 'False once deactivated: the user can no longer sign in or call the API' }),
    is_service_account: Bool({ description: "The directory user of a service account app (client_credentials)" }),
    vendor: Nullable(Ref('Northline Mechanical')),
    permission_template: Nullable(Ref('Company Standard')),
    accounting_approver: Bool({ description: 'The accounting approver privilege' }),
    locked: Bool({ description: 'Locked out after failed sign-ins, until `locked_until` or an unlock' }),
    locked_until: Nullable(DateTime),
    last_login_at: Nullable(DateTime),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

const level = Enum(LEVELS);
/** The level per tool; a tool left out is `none`. Company templates name company tools, project templates project tools. */
const TemplateLevels = Obj(Object.fromEntries([...COMPANY_TOOLS, ...PROJECT_TOOLS].map((tool) => [tool, Type.Optional(level)])), {
  description: 'A level per tool (none, read_only, standard, admin); a tool left out is none. A company template names company tools, a project template project tools.',
  example: { rfis: 'standard', submittals: 'read_only' },
});

const templateFields = {
  id: Id,
  name: Str({ example: 'Superintendent' }),
  scope: Enum(['company', 'project'] as const),
  project_id: Nullable(Id),
  project_specific: Bool({ description: 'Made on and for one project (`project_id`)' }),
  assignable: Bool({ description: 'Whether holders of a granular directory permission may assign it' }),
  levels: TemplateLevels,
  granular: ArrayOf(Enum(ALL_GRANULAR_KEYS), { description: 'Granular permissions as `tool.key`' }),
};

/** A permission template in a list (`mapTemplate` without a count). */
export const PermissionTemplateSummary = Named(
  'PermissionTemplateSummary',
  Obj({ ...templateFields, version: Version, created_at: DateTime, updated_at: DateTime }),
);

/** One permission template, with how often it is assigned. */
export const PermissionTemplate = Named(
  'PermissionTemplate',
  Obj({
    ...templateFields,
    assigned_count: Int({ minimum: 0, description: 'Users holding it as their company template plus active project members holding it' }),
    version: Version,
    created_at: DateTime,
    updated_at: DateTime,
  }),
);

/** A user on a project's directory (`mapMembership`): the user's id, with the membership's own id and version. */
export const ProjectUser = Named(
  'ProjectUser',
  Obj({
    id: Id,
    membership_id: Id,
    login: Email,
    name: Str({ example: 'Sam Okafor' }),
    email_address: Email,
    job_title: Nullable(Str({ example: 'Superintendent' })),
    is_active: Bool(),
    vendor: Nullable(Ref('Northline Mechanical')),
    permission_template: Ref('Superintendent'),
    version: Version,
    added_at: DateTime,
    updated_at: DateTime,
  }),
);
