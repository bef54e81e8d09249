import type { ActionRule } from './action-rule';

/**
 * The action matrix of PERMISSIONS.md, one row per action. This table is the
 * contract; a guard never compares levels anywhere else.
 */
export const ACTION_MATRIX = {
  // Company directory
  'company_directory.view': { tool: 'company_directory', level: 'read_only', does: 'view the company directory' },
  'company_directory.view_user_detail': {
    tool: 'company_directory',
    level: 'standard',
    granular: ['company_directory.view_user_detail'],
    does: "view a user's details in the company directory",
  },
  'company_directory.create_user': {
    tool: 'company_directory',
    level: 'admin',
    granular: ['company_directory.create_edit_users'],
    granularLimits: 'may assign assignable permission templates only',
    does: 'add a user to the company directory',
  },
  'company_directory.edit_user': {
    tool: 'company_directory',
    level: 'admin',
    granular: ['company_directory.create_edit_users'],
    granularLimits: 'may assign assignable permission templates only',
    does: 'edit a user in the company directory',
  },
  'company_directory.create_company': {
    tool: 'company_directory',
    level: 'admin',
    granular: ['company_directory.create_edit_companies'],
    does: 'add a company (vendor) to the company directory',
  },
  'company_directory.edit_company': {
    tool: 'company_directory',
    level: 'admin',
    granular: ['company_directory.create_edit_companies'],
    does: 'edit a company (vendor) in the company directory',
  },
  'company_directory.deactivate_user': { tool: 'company_directory', level: 'admin', does: 'deactivate a user' },
  'company_directory.reactivate_user': { tool: 'company_directory', level: 'admin', does: 'reactivate a user' },
  'company_directory.unlock_user': { tool: 'company_directory', level: 'admin', does: 'unlock a locked user account' },
  'company_directory.manage_templates': {
    tool: 'company_directory',
    level: 'admin',
    does: 'create, edit or delete permission templates',
  },
  'company_directory.set_privileges': {
    tool: 'company_directory',
    level: 'admin',
    does: 'grant or remove company privileges such as accounting approver',
  },

  // Company admin
  'company_admin.view_projects': {
    tool: 'company_admin',
    level: 'read_only',
    fallback: 'lists only the projects the user is an active member of',
    does: "list every project of the company",
  },
  'company_admin.create_project': { tool: 'company_admin', level: 'admin', does: 'create a project' },
  'company_admin.manage_apps': { tool: 'company_admin', level: 'admin', does: 'manage OAuth apps and service accounts' },
  'company_admin.view_audit_log': { tool: 'company_admin', level: 'admin', does: 'view the audit log' },

  // Project admin
  'admin.view_project': {
    tool: 'admin',
    level: null,
    anyMember: true,
    does: 'view the project, its tools and your own permissions on it',
  },
  'admin.view': { tool: 'admin', level: 'read_only', does: "view the project's Admin tool" },
  'admin.edit_project': {
    tool: 'admin',
    level: 'admin',
    granular: ['admin.manage_general'],
    does: "edit the project's general settings",
  },
  'admin.manage_tools': {
    tool: 'admin',
    level: 'admin',
    granular: ['admin.manage_active_tools'],
    does: 'activate or deactivate project tools',
  },
  'admin.manage_cost_codes': {
    tool: 'admin',
    level: 'admin',
    granular: ['admin.manage_cost_codes'],
    does: "manage the project's cost codes",
  },
  'admin.manage_webhooks': { tool: 'admin', level: 'admin', does: "manage the project's webhooks" },

  // Project directory
  'directory.view': { tool: 'directory', level: 'read_only', does: 'view the project directory' },
  'directory.add_user': {
    tool: 'directory',
    level: 'admin',
    granular: ['directory.add_from_company_directory'],
    granularLimits: 'may assign assignable permission templates only',
    does: 'add a user from the company directory to the project',
  },
  'directory.remove_user': {
    tool: 'directory',
    level: 'admin',
    granular: ['directory.remove_user_from_project'],
    granularLimits: 'may remove users only from projects they are a member of',
    does: 'remove a user from the project',
  },
  'directory.change_template': {
    tool: 'directory',
    level: 'admin',
    granular: ['directory.manage_permission_templates'],
    granularLimits: 'may assign assignable permission templates only',
    does: "change a project member's permission template",
  },
  'directory.create_project_template': {
    tool: 'directory',
    level: 'admin',
    does: 'create a project-specific permission template',
  },

  // RFIs
  'rfis.view': {
    tool: 'rfis',
    level: 'read_only',
    privateItems: {
      roles: ['creator', 'rfi_manager', 'assignee', 'distribution'],
      granular: ['rfis.view_private_rfis_same_company'],
    },
    does: 'view RFIs',
  },
  'rfis.create_draft': { tool: 'rfis', level: 'standard', does: 'create a draft RFI' },
  'rfis.create_open': {
    tool: 'rfis',
    level: 'admin',
    granular: ['rfis.act_as_rfi_manager'],
    does: 'create an open RFI or open a draft',
  },
  'rfis.edit': {
    tool: 'rfis',
    level: 'admin',
    roles: { any: ['creator'], minLevel: 'standard', onlyWhen: 'draft' },
    does: 'edit an RFI',
  },
  'rfis.respond': {
    tool: 'rfis',
    level: 'admin',
    roles: { any: ['assignee', 'rfi_manager'], minLevel: 'read_only' },
    does: 'reply to an RFI',
  },
  'rfis.mark_official': {
    tool: 'rfis',
    level: 'admin',
    granular: ['rfis.mark_official_responses'],
    does: 'mark a reply as the official response',
  },
  'rfis.close': {
    tool: 'rfis',
    level: 'admin',
    roles: { any: ['rfi_manager'], minLevel: 'read_only', alsoNeeds: 'rfis.act_as_rfi_manager' },
    does: 'close an RFI',
  },
  'rfis.reopen': {
    tool: 'rfis',
    level: 'admin',
    roles: { any: ['rfi_manager'], minLevel: 'read_only', alsoNeeds: 'rfis.act_as_rfi_manager' },
    does: 'reopen an RFI',
  },
  'rfis.delete': { tool: 'rfis', level: 'admin', does: 'delete an RFI' },

  // Submittals
  'submittals.view': {
    tool: 'submittals',
    level: 'read_only',
    privateItems: {
      roles: ['creator', 'submittal_manager', 'workflow_approver', 'distribution'],
      granular: ['submittals.view_private_submittals_same_company'],
    },
    does: 'view submittals',
  },
  'submittals.create': {
    tool: 'submittals',
    level: 'admin',
    granular: ['submittals.create_submittal'],
    does: 'create a submittal',
  },
  'submittals.create_package': {
    tool: 'submittals',
    level: 'admin',
    granular: ['submittals.create_submittal_package'],
    does: 'create a submittal package',
  },
  'submittals.edit': {
    tool: 'submittals',
    level: 'admin',
    roles: { any: ['creator'], minLevel: 'standard', onlyWhen: 'draft' },
    does: 'edit a submittal',
  },
  'submittals.respond': {
    tool: 'submittals',
    level: null,
    roles: { any: ['ball_in_court_approver'], minLevel: 'read_only' },
    does: 'respond to a submittal workflow step',
  },
  'submittals.submit': {
    tool: 'submittals',
    level: 'admin',
    roles: { any: ['creator'], minLevel: 'standard' },
    does: 'submit a submittal into its workflow',
  },
  'submittals.distribute': { tool: 'submittals', level: 'admin', does: 'distribute a submittal' },
  'submittals.close': { tool: 'submittals', level: 'admin', does: 'close a submittal' },
  'submittals.create_revision': { tool: 'submittals', level: 'admin', does: 'create a submittal revision' },
  'submittals.delete': { tool: 'submittals', level: 'admin', does: 'delete a submittal' },

  // Budget
  'budget.view': { tool: 'budget', level: 'read_only', does: 'view the budget' },
  'budget.view_direct_costs': {
    tool: 'budget',
    level: 'admin',
    granular: ['budget.view_direct_cost_details'],
    does: 'view direct cost details in the budget',
  },
  'budget.create_line_item': {
    tool: 'budget',
    level: 'admin',
    granular: ['budget.create_edit_original_budget_amount'],
    refusedWhen: { state: 'locked', code: 'budget_locked' },
    does: 'create a budget line item',
  },
  'budget.edit_original_amount': {
    tool: 'budget',
    level: 'admin',
    granular: ['budget.create_edit_original_budget_amount'],
    refusedWhen: { state: 'locked', code: 'budget_locked' },
    does: 'edit an original budget amount',
  },
  'budget.delete_line_item': {
    tool: 'budget',
    level: 'admin',
    granular: ['budget.delete_budget_line_items'],
    refusedWhen: { state: 'locked', code: 'budget_locked' },
    does: 'delete a budget line item',
  },
  'budget.import': {
    tool: 'budget',
    level: 'admin',
    granular: ['budget.import_budget_from_file'],
    refusedWhen: { state: 'locked', code: 'budget_locked' },
    does: 'import a budget from a file',
  },
  'budget.lock': { tool: 'budget', level: 'admin', granular: ['budget.lock_budget'], does: 'lock the budget' },
  'budget.unlock': { tool: 'budget', level: 'admin', does: 'unlock the budget' },
  'budget.modify': { tool: 'budget', level: 'admin', does: 'make budget modifications and transfers' },
  'budget.recalculate': { tool: 'budget', level: 'standard', does: 'ask for a budget recalculation' },
  'budget.manage_views': { tool: 'budget', level: 'admin', does: 'manage budget views' },

  // Prime contracts
  'prime_contracts.view': { tool: 'prime_contracts', level: 'read_only', does: 'view prime contracts' },
  'prime_contracts.create': {
    tool: 'prime_contracts',
    level: 'admin',
    granular: ['prime_contracts.create_prime_contract'],
    does: 'create a prime contract',
  },
  'prime_contracts.update': {
    tool: 'prime_contracts',
    level: 'admin',
    granular: ['prime_contracts.update_prime_contract'],
    does: 'update a prime contract',
  },
  'prime_contracts.delete': {
    tool: 'prime_contracts',
    level: 'admin',
    granular: ['prime_contracts.delete_prime_contract'],
    does: 'delete a prime contract',
  },

  // Commitments
  'commitments.view': {
    tool: 'commitments',
    level: 'read_only',
    privateItems: {
      roles: ['private_list'],
      granular: ['commitments.view_private_subcontracts', 'commitments.view_private_purchase_orders'],
    },
    does: 'view commitments',
  },
  'commitments.create': {
    tool: 'commitments',
    level: 'admin',
    granular: ['commitments.create_subcontract', 'commitments.create_purchase_order'],
    granularLimits: 'the key must match the commitment type (subcontract or purchase order)',
    does: 'create a commitment',
  },
  'commitments.update': {
    tool: 'commitments',
    level: 'admin',
    granular: ['commitments.update_subcontract', 'commitments.update_purchase_order'],
    granularLimits: 'the key must match the commitment type (subcontract or purchase order)',
    does: 'update a commitment',
  },
  'commitments.approve': { tool: 'commitments', level: 'admin', does: 'approve a commitment' },

  // Change orders
  'change_orders.view': { tool: 'change_orders', level: 'read_only', does: 'view change orders' },
  'change_orders.create': { tool: 'change_orders', level: 'standard', does: 'create a draft change order' },
  'change_orders.edit': {
    tool: 'change_orders',
    level: 'admin',
    roles: { any: ['creator'], minLevel: 'standard', onlyWhen: 'draft' },
    does: 'edit a change order',
  },
  'change_orders.submit': {
    tool: 'change_orders',
    level: 'admin',
    roles: { any: ['creator'], minLevel: 'standard' },
    does: 'submit a change order for review',
  },
  'change_orders.approve': {
    tool: 'change_orders',
    level: 'admin',
    roles: { any: ['designated_reviewer'], minLevel: 'standard' },
    does: 'approve a change order',
  },
  'change_orders.reject': {
    tool: 'change_orders',
    level: 'admin',
    roles: { any: ['designated_reviewer'], minLevel: 'standard' },
    does: 'reject a change order',
  },
  'change_orders.void': { tool: 'change_orders', level: 'admin', does: 'void a change order' },

  // Photos
  'photos.view': {
    tool: 'photos',
    level: 'read_only',
    privateItems: { roles: ['uploader'], granular: ['photos.view_private_photos'] },
    does: 'view photos',
  },
  'photos.upload': { tool: 'photos', level: 'standard', does: 'upload photos' },
  'photos.edit': {
    tool: 'photos',
    level: 'admin',
    roles: { any: ['uploader'], minLevel: 'standard' },
    does: 'edit a photo',
  },
  'photos.delete': {
    tool: 'photos',
    level: 'admin',
    roles: { any: ['uploader'], minLevel: 'standard' },
    does: 'delete a photo',
  },
  'photos.create_album': { tool: 'photos', level: 'admin', granular: ['photos.create_album'], does: 'create a photo album' },
  'photos.delete_album': { tool: 'photos', level: 'admin', granular: ['photos.delete_album'], does: 'delete a photo album' },
  'photos.reorder_albums': {
    tool: 'photos',
    level: 'admin',
    granular: ['photos.reorder_albums'],
    does: 'change the order of photo albums',
  },

  // Drawings
  'drawings.view': { tool: 'drawings', level: 'read_only', does: 'view drawings' },
  'drawings.upload': {
    tool: 'drawings',
    level: 'admin',
    granular: ['drawings.upload_drawings', 'drawings.upload_and_review_drawings'],
    does: 'upload drawings',
  },
  'drawings.review_upload': {
    tool: 'drawings',
    level: 'admin',
    granular: ['drawings.upload_and_review_drawings'],
    does: 'review and publish uploaded drawings',
  },
  'drawings.markup_personal': { tool: 'drawings', level: 'read_only', does: 'add markups on your personal layer' },
  'drawings.markup_publish': { tool: 'drawings', level: 'standard', does: 'publish markups' },
  'drawings.delete_markup': {
    tool: 'drawings',
    level: 'admin',
    roles: { any: ['creator'], minLevel: 'read_only' },
    does: 'delete a markup',
  },
  'drawings.delete_revision': { tool: 'drawings', level: 'admin', does: 'delete a drawing revision' },
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof ACTION_MATRIX;

export const ACTIONS = Object.keys(ACTION_MATRIX) as Action[];

export function ruleOf(action: Action): ActionRule {
  return ACTION_MATRIX[action];
}

export function isAction(value: string): value is Action {
  return Object.prototype.hasOwnProperty.call(ACTION_MATRIX, value);
}
