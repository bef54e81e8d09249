import type { GranularKey, ItemRole, Level, Tool } from '../permission.types';

/**
 * One row of the action matrix. The rule is data: the resolver, the guard,
 * explain, the OpenAPI descriptions and the generated tests all read it.
 */
export interface ActionRule {
  tool: Tool;
  /** Lowest general level that grants the action by itself; null when no level alone does. */
  level: Level | null;
  /** Granular keys (any one) that grant it on a read_only or standard template. */
  granular?: readonly GranularKey[];
  /**
   * Item roles that grant it to a holder of at least `minLevel` (and of `alsoNeeds`,
   * when set). The owning feature's item policy checks the role on the item.
   */
  roles?: {
    any: readonly ItemRole[];
    minLevel: Level;
    alsoNeeds?: GranularKey;
    /** Item state the role grant is limited to, e.g. 'draft'. */
    onlyWhen?: string;
  };
  /** Any active project member may, whatever their levels (admin.view_project). */
  anyMember?: true;
  /** Limits that hold for granular-only holders (enforced by an item policy). */
  granularLimits?: string;
  /** Who may see private items of the tool (for view actions). */
  privateItems?: { roles: readonly ItemRole[]; granular: readonly GranularKey[] };
  /** Item state that refuses the action with its own code, whatever the grant. */
  refusedWhen?: { state: string; code: 'budget_locked' | 'item_locked' };
  /** Users who fail the rule still get a narrower answer (company_admin.view_projects). */
  fallback?: string;
  /** What the action does, for messages: "create an RFI". */
  does: string;
}
