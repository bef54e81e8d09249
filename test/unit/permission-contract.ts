import type { Level } from '../../src/permissions/permission.types';

/**
 * The "allowed" column of every action in shared/PERMISSIONS.md, transcribed
 * in a compact notation that the matrix tests read independently of the code:
 *
 *   RO+ | STD+ | ADM          a general level that allows by itself
 *   +key                       a granular key of the action's tool (on a RO/STD template)
 *   role(a,b)@LEVEL[+key]      item roles, for holders of LEVEL or more (and +key): conditional
 *   member                     any active member of the project
 *   alternatives are joined by " | "
 */
export const CONTRACT: Record<string, string> = {
  'company_directory.view': 'RO+',
  'company_directory.view_user_detail': 'STD+ | +view_user_detail',
  'company_directory.create_user': 'ADM | +create_edit_users',
  'company_directory.edit_user': 'ADM | +create_edit_users',
  'company_directory.create_company': 'ADM | +create_edit_companies',
  'company_directory.edit_company': 'ADM | +create_edit_companies',
  'company_directory.deactivate_user': 'ADM',
  'company_directory.reactivate_user': 'ADM',
  'company_directory.unlock_user': 'ADM',
  'company_directory.manage_templates': 'ADM',
  'company_directory.set_privileges': 'ADM',

  'company_admin.view_projects': 'RO+',
  'company_admin.create_project': 'ADM',
  'company_admin.manage_apps': 'ADM',
  'company_admin.view_audit_log': 'ADM',

  'admin.view_project': 'member',
  'admin.view': 'RO+',
  'admin.edit_project': 'ADM | +manage_general',
  'admin.manage_tools': 'ADM | +manage_active_tools',
  'admin.manage_cost_codes': 'ADM | +manage_cost_codes',
  'admin.manage_webhooks': 'ADM',

  'directory.view': 'RO+',
  'directory.add_user': 'ADM | +add_from_company_directory',
  'directory.remove_user': 'ADM | +remove_user_from_project',
  'directory.change_template': 'ADM | +manage_permission_templates',
  'directory.create_project_template': 'ADM',

  'rfis.view': 'RO+',
  'rfis.create_draft': 'STD+',
  'rfis.create_open': 'ADM | +act_as_rfi_manager',
  'rfis.edit': 'ADM | role(creator)@STD',
  'rfis.respond': 'ADM | role(assignee,rfi_manager)@RO',
  'rfis.mark_official': 'ADM | +mark_official_responses',
  'rfis.close': 'ADM | role(rfi_manager)@RO+act_as_rfi_manager',
  'rfis.reopen': 'ADM | role(rfi_manager)@RO+act_as_rfi_manager',
  'rfis.delete': 'ADM',

  'submittals.view': 'RO+',
  'submittals.create': 'ADM | +create_submittal',
  'submittals.create_package': 'ADM | +create_submittal_package',
  'submittals.edit': 'ADM | role(creator)@STD',
  'submittals.respond': 'role(ball_in_court_approver)@RO',
  'submittals.submit': 'ADM | role(creator)@STD',
  'submittals.distribute': 'ADM',
  'submittals.close': 'ADM',
  'submittals.create_revision': 'ADM',
  'submittals.delete': 'ADM',

  'budget.view': 'RO+',
  'budget.view_direct_costs': 'ADM | +view_direct_cost_details',
  'budget.create_line_item': 'ADM | +create_edit_original_budget_amount',
  'budget.edit_original_amount': 'ADM | +create_edit_original_budget_amount',
  'budget.delete_line_item': 'ADM | +delete_budget_line_items',
  'budget.import': 'ADM | +import_budget_from_file',
  'budget.lock': 'ADM | +lock_budget',
  'budget.unlock': 'ADM',
  'budget.modify': 'ADM',
  'budget.recalculate': 'STD+',
  'budget.manage_views': 'ADM',

  'prime_contracts.view': 'RO+',
  'prime_contracts.create': 'ADM | +create_prime_contract',
  'prime_contracts.update': 'ADM | +update_prime_contract',
  'prime_contracts.delete': 'ADM | +delete_prime_contract',
  'commitments.view': 'RO+',
  'commitments.create': 'ADM | +create_subcontract | +create_purchase_order',
  'commitments.update': 'ADM | +update_subcontract | +update_purchase_order',
  'commitments.approve': 'ADM',
  'change_orders.view': 'RO+',
  'change_orders.create': 'STD+',
  'change_orders.edit': 'ADM | role(creator)@STD',
  'change_orders.submit': 'ADM | role(creator)@STD',
  'change_orders.approve': 'ADM | role(designated_reviewer)@STD',
  'change_orders.reject': 'ADM | role(designated_reviewer)@STD',
  'change_orders.void': 'ADM',

  'photos.view': 'RO+',
  'photos.upload': 'STD+',
  'photos.edit': 'ADM | role(uploader)@STD',
  'photos.delete': 'ADM | role(uploader)@STD',
  'photos.create_album': 'ADM | +create_album',
  'photos.delete_album': 'ADM | +delete_album',
  'photos.reorder_albums': 'ADM | +reorder_albums',

  'drawings.view': 'RO+',
  'drawings.upload': 'ADM | +upload_drawings | +upload_and_review_drawings',
  'drawings.review_upload': 'ADM | +upload_and_review_drawings',
  'drawings.markup_personal': 'RO+',
  'drawings.markup_publish': 'STD+',
  'drawings.delete_markup': 'ADM | role(creator)@RO',
  'drawings.delete_revision': 'ADM',
};

const RANK: Record<string, number> = { RO: 1, STD: 2, ADM: 3 };
const LEVEL_RANK: Record<Level, number> = { none: 0, read_only: 1, standard: 2, admin: 3 };

/** allowed; pending (allowed only with an item role); denied. */
export type Expected = 'allowed' | 'pending' | 'denied';

/** Reads the contract notation for one level and granular set (independently of the code's rule shape). */
export function expected(notation: string, tool: string, level: Level, granular: ReadonlySet<string>): Expected {
  const alternatives = notation.split('|').map((s) => s.trim());
  if (alternatives.includes('member')) return 'allowed';
  if (level === 'none') return 'denied';
  let pending = false;
  for (const alt of alternatives) {
    const lvl = /^(RO|STD|ADM)\+?$/.exec(alt);
    if (lvl && LEVEL_RANK[level] >= RANK[lvl[1]]) return 'allowed';
    const key = /^\+(\w+)$/.exec(alt);
    if (key && (level === 'read_only' || level === 'standard') && granular.has(`${tool}.${key[1]}`)) return 'allowed';
    const role = /^role\(([\w,]+)\)@(RO|STD|ADM)(?:\+(\w+))?$/.exec(alt);
    if (role && LEVEL_RANK[level] >= RANK[role[2]] && (!role[3] || level === 'admin' || granular.has(`${tool}.${role[3]}`))) pending = true;
  }
  return pending ? 'pending' : 'denied';
}
