import { ALL_ERROR_CODES, AnyJson, ArrayOf, Bool, DateTime, Email, Enum, Id, Named, Nullable, Obj, Optional, Str, Type } from '../common/openapi/schema';
import { ACTIONS } from './matrix/action-matrix';
import { ALL_GRANULAR_KEYS, COMPANY_TOOLS, type ItemRole, LAYERS, LEVELS, PROJECT_TOOLS } from './permission.types';

/** Every item role (layer 8), as the matrix names them. */
const ITEM_ROLES = [
  'creator',
  'rfi_manager',
  'assignee',
  'distribution',
  'ball_in_court_approver',
  'workflow_approver',
  'submittal_manager',
  'designated_reviewer',
  'uploader',
  'same_company',
  'private_list',
  'project_member',
] as const satisfies readonly ItemRole[];
// every ItemRole is listed: a new role that is missing here does not compile
const allRolesListed: [Exclude<ItemRole, (typeof ITEM_ROLES)[number]>] extends [never] ? true : never = true;
void allRolesListed;

/**
 * One of these values, or null. OpenAPI 3.0 (and the validators that read it) need `null`
 * in the `enum` itself beside `nullable: true`, which `Nullable(Enum(...))` does not add.
 */
const NullableEnum = <const V extends readonly string[]>(values: V, options: { description?: string } = {}) =>
  Type.Unsafe<V[number] | null>({ type: 'string', enum: [...values, null], nullable: true, ...options });

const Action = Enum(ACTIONS, { description: 'A matrix action (`tool.verb`)' });
const Tool = Enum([...COMPANY_TOOLS, ...PROJECT_TOOLS]);
const Level = Enum(LEVELS);
const Layer = Enum(LAYERS, { description: 'A permission layer, in evaluation order' });
const Role = Enum(ITEM_ROLES);
const TemplateRef = Obj({ id: Id, name: Str({ example: 'Superintendent' }), assignable: Bool() });
const Have = AnyJson('What the user has at the failing layer: a level, a state, a list of roles or a small object, depending on the layer');
const Need = AnyJson('What the layer needs, in the same terms as `have`');

/** `GET .../permissions/explain`: one user's access to one action, layer by layer, with what would allow it. */
export const PermissionExplanation = Named(
  'PermissionExplanation',
  Obj({
    user: Obj({ id: Id, name: Str({ example: 'Sam Okafor' }), login: Email, active: Bool() }),
    action: Action,
    project_id: Nullable(Id),
    item_id: Nullable(Id),
    allowed: Bool({ description: 'Whether the user may perform the action (on the item, when `item_id` is given)' }),
    outcome: Enum(['allowed', 'pending', 'denied'], {
      description: '`pending`: allowed only on items where the user holds one of the rule’s item roles (give `item_id` to settle it)',
    }),
    rule: Obj({
      tool: Tool,
      description: Str({ description: 'Who may perform the action, in words' }),
      level: NullableEnum(LEVELS, { description: 'The lowest level that grants the action by itself; null when no level alone does' }),
      granular: ArrayOf(Enum(ALL_GRANULAR_KEYS)),
      item_roles: Nullable(
        Obj({
          any: ArrayOf(Role),
          min_level: Level,
          also_needs: NullableEnum(ALL_GRANULAR_KEYS, { description: 'A granular permission the role holder also needs' }),
          only_when: Nullable(Str({ description: 'The item state the role grant is limited to', example: 'draft' })),
        }),
      ),
      any_member: Bool({ description: 'Any active project member may' }),
    }),
    held: Obj({
      company_directory_admin: Bool(),
      company_template: Nullable(TemplateRef),
      project_template: Nullable(TemplateRef),
      membership: Nullable(Obj({ active: Bool(), removed_at: Nullable(DateTime) })),
      level: Level,
      granular: ArrayOf(Enum(ALL_GRANULAR_KEYS), { description: "The granular permissions held on the rule's tool" }),
      tool_active: Nullable(Bool({ description: 'Null for a company tool' })),
    }),
    denied_at: Nullable(Obj({ layer: Layer, code: Enum(ALL_ERROR_CODES), message: Str(), have: Have, need: Need })),
    layers: ArrayOf(
      Obj({
        layer: Layer,
        verdict: Enum(['pass', 'fail', 'not_reached', 'not_applicable']),
        detail: Nullable(Str()),
      }),
    ),
    how_to_allow: ArrayOf(
      Obj({
        change: Enum([
          'add_to_project',
          'activate_tool',
          'raise_level',
          'add_granular',
          'item_role',
          'assign_company_template',
          'change_project_template',
          'company_directory_admin',
        ]),
        detail: Str(),
        request: Optional(Str({ description: 'The request that makes the change', example: 'PATCH /rest/v1.0/companies/7/permission_templates/12' })),
        template: Optional(Obj({ id: Id, name: Str() })),
        granular: Optional(Enum(ALL_GRANULAR_KEYS)),
        templates: Optional(ArrayOf(TemplateRef, { description: 'Existing templates that allow the action' })),
      }),
      { description: 'What an administrator could change, most direct first; empty when allowed' },
    ),
  }),
);

/** `GET /settings/permissions`: the caller's tools on a project, with what each lets them do. */
export const ProjectToolPermissions = Named(
  'ProjectToolPermissions',
  Obj({
    project_id: Id,
    user_id: Id,
    company_directory_admin: Bool(),
    permission_template: Nullable(Obj({ id: Id, name: Str({ example: 'Superintendent' }) })),
    tools: ArrayOf(
      Obj({
        name: Enum(PROJECT_TOOLS),
        title: Str({ example: 'RFIs' }),
        active: Bool(),
        user_access_level: Obj({ key: Level, name: Str({ example: 'Standard' }) }),
        permitted_actions: ArrayOf(Action),
        conditional_actions: ArrayOf(
          Obj({
            action: Action,
            as_item_role: ArrayOf(Role),
            only_when: Nullable(Str({ example: 'draft' })),
          }),
          { description: 'Actions allowed only on items where the caller holds one of these roles' },
        ),
        granular: ArrayOf(Obj({ key: Enum(ALL_GRANULAR_KEYS), granted: Bool() })),
      }),
    ),
  }),
);
