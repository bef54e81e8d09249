/** Vocabulary of the permission model (PERMISSIONS.md). */

export const LEVELS = ['none', 'read_only', 'standard', 'admin'] as const;
export type Level = (typeof LEVELS)[number];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export function atLeast(have: Level, need: Level): boolean {
  return levelRank(have) >= levelRank(need);
}

export const COMPANY_TOOLS = ['company_directory', 'company_admin'] as const;
export type CompanyTool = (typeof COMPANY_TOOLS)[number];

export const PROJECT_TOOLS = [
  'admin',
  'directory',
  'rfis',
  'submittals',
  'budget',
  'prime_contracts',
  'commitments',
  'change_orders',
  'photos',
  'drawings',
] as const;
export type ProjectTool = (typeof PROJECT_TOOLS)[number];
export type Tool = CompanyTool | ProjectTool;

/** Tools that cannot be switched off on a project. */
export const CORE_PROJECT_TOOLS: readonly ProjectTool[] = ['admin', 'directory'];

export const GRANULAR_KEYS = {
  company_directory: ['create_edit_companies', 'view_company_detail', 'create_edit_users', 'view_user_detail'],
  company_admin: [],
  admin: ['manage_general', 'manage_active_tools', 'manage_cost_codes'],
  directory: [
    'add_from_company_directory',
    'assign_project_roles',
    'create_edit_users',
    'create_edit_companies',
    'manage_permission_templates',
    'remove_user_from_project',
    'remove_company_from_project',
  ],
  rfis: ['act_as_rfi_manager', 'mark_official_responses', 'view_private_rfis_same_company'],
  submittals: ['create_submittal', 'create_submittal_package', 'view_private_submittals_same_company'],
  budget: [
    'import_budget_from_file',
    'create_edit_original_budget_amount',
    'view_direct_cost_details',
    'delete_budget_line_items',
    'lock_budget',
  ],
  commitments: [
    'view_private_purchase_orders',
    'view_private_subcontracts',
    'create_purchase_order',
    'create_subcontract',
    'update_purchase_order',
    'update_subcontract',
  ],
  prime_contracts: ['create_prime_contract', 'update_prime_contract', 'delete_prime_contract'],
  change_orders: [],
  photos: ['delete_album', 'reorder_albums', 'view_private_photos', 'create_album'],
  drawings: ['upload_drawings', 'upload_and_review_drawings'],
} as const satisfies Record<Tool, readonly string[]>;

/** A granular permission as stored on templates: `tool.key`, e.g. `rfis.act_as_rfi_manager`. */
export type GranularKey = {
  [T in Tool]: `${T}.${(typeof GRANULAR_KEYS)[T][number]}`;
}[Tool];

export const ALL_GRANULAR_KEYS: readonly GranularKey[] = (Object.keys(GRANULAR_KEYS) as Tool[]).flatMap((tool) =>
  (GRANULAR_KEYS[tool] as readonly string[]).map((key) => `${tool}.${key}` as GranularKey),
);

export function isGranularKey(value: string): value is GranularKey {
  return (ALL_GRANULAR_KEYS as readonly string[]).includes(value);
}

export function toolOfGranular(key: GranularKey): Tool {
  return key.slice(0, key.indexOf('.')) as Tool;
}

/** Per-item roles (layer 8): never part of a template. */
export type ItemRole =
  | 'creator'
  | 'rfi_manager'
  | 'assignee'
  | 'distribution'
  | 'ball_in_court_approver'
  | 'workflow_approver'
  | 'submittal_manager'
  | 'designated_reviewer'
  | 'uploader'
  | 'same_company'
  | 'private_list'
  | 'project_member';

export type CompanyPrivilege = 'accounting_approver';

/** The layers of PERMISSIONS.md, in evaluation order; `details.layer` names one of them. */
export const LAYERS = [
  'authentication',
  'company_context',
  'company_directory_admin',
  'project_membership',
  'tool_active',
  'general_level',
  'granular',
  'item_role',
  'item_state',
] as const;
export type Layer = (typeof LAYERS)[number];

export type TemplateLevels = Partial<Record<Tool, Level>>;
