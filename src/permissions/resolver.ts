import { AppError, ErrorCode } from '../common/errors';
import type { AccessSubject, ProjectAccess } from './access-subject';
import { Action, ruleOf } from './matrix/action-matrix';
import type { ActionRule } from './matrix/action-rule';
import { LEVEL_NAMES, levelsFrom, TOOL_NAMES } from './matrix/names';
import {
  atLeast,
  COMPANY_TOOLS,
  CompanyTool,
  GranularKey,
  ItemRole,
  Layer,
  Level,
  ProjectTool,
} from './permission.types';

export interface LayerVerdict {
  layer: Layer;
  ok: boolean;
  detail: string;
}

export interface Denial {
  layer: Layer;
  code: ErrorCode;
  message: string;
  have: unknown;
  need: unknown;
}

/** How a tool-level decision was reached. */
export type Grant = 'level' | 'granular' | 'company_directory_admin' | 'any_member' | 'item_role';

/**
 * The decision for layers 2–7 (and the role requirement of layer 8). `pending`
 * means the user may act only on items where they hold one of `roles`; the
 * feature's item policy settles it.
 */
export interface Decision {
  action: Action;
  rule: ActionRule;
  outcome: 'allowed' | 'pending' | 'denied';
  grant: Grant | null;
  level: Level;
  roles: readonly ItemRole[];
  denial: Denial | null;
  trace: LayerVerdict[];
}

export function isCompanyTool(tool: string): tool is CompanyTool {
  return (COMPANY_TOOLS as readonly string[]).includes(tool);
}

function needText(rule: ActionRule): string {
  const tool = TOOL_NAMES[rule.tool];
  const parts: string[] = [];
  if (rule.level) parts.push(`${levelsFrom(rule.level)} on ${tool}`);
  for (const key of rule.granular ?? []) parts.push(`the granular permission '${key}' on a Read Only or Standard template`);
  if (rule.roles) {
    const extra = rule.roles.alsoNeeds ? ` with '${rule.roles.alsoNeeds}'` : '';
    parts.push(`${levelsFrom(rule.roles.minLevel)} on ${tool}${extra} as the item's ${rule.roles.any.join(' or ')}`);
  }
  return parts.join(', or ');
}

/** Layer 4: why a user without an active membership may not use the project, or null for an active member. */
export function membershipDenial(project: ProjectAccess | null): Denial | null {
  if (project?.membership?.active) return null;
  const removed = !!project?.membership;
  return {
    layer: 'project_membership',
    code: 'not_project_member',
    message: removed
      ? 'You were removed from this project; ask a project administrator to add you again.'
      : 'You are not a member of this project; ask a project administrator to add you from the company directory.',
    have: removed ? 'removed' : 'no membership',
    need: 'active membership',
  };
}

/** A denial as the API answers it: its code and message, with the action (when there is one) and the failing layer. */
export function refusalError(denial: Denial, action?: Action): AppError {
  return new AppError(denial.code, denial.message, { ...(action && { action }), layer: denial.layer, have: denial.have, need: denial.need });
}

function denied(
  base: Omit<Decision, 'outcome' | 'grant' | 'denial'>,
  layer: Layer,
  code: ErrorCode,
  message: string,
  have: unknown,
  need: unknown,
): Decision {
  base.trace.push({ layer, ok: false, detail: message });
  return { ...base, outcome: 'denied', grant: null, denial: { layer, code, message, have, need } };
}

/**
 * Evaluates an action for a subject, layer by layer, in the order of
 * PERMISSIONS.md. Pure: the same subject and action always give the same answer.
 */
export function decide(action: Action, subject: AccessSubject): Decision {
  const rule = ruleOf(action);
  const trace: LayerVerdict[] = [
    { layer: 'authentication', ok: true, detail: `authenticated as user ${subject.userId}` },
    { layer: 'company_context', ok: true, detail: `in the directory of company ${subject.companyId}` },
  ];
  const companyTool = isCompanyTool(rule.tool);
  const project = subject.project;
  const tool = rule.tool;
  const toolName = TOOL_NAMES[tool];
  const base = { action, rule, level: 'none' as Level, roles: [] as readonly ItemRole[], trace };

  if (subject.companyDirectoryAdmin) {
    trace.push({ layer: 'company_directory_admin', ok: true, detail: 'Admin on the company Directory: Admin on every tool' });
  } else {
    trace.push({ layer: 'company_directory_admin', ok: true, detail: 'not a company Directory admin (no effect)' });
  }

  if (!companyTool) {
    if (!project) throw new Error(`action ${action} needs a project`);
    if (!subject.companyDirectoryAdmin) {
      const refused = membershipDenial(project);
      if (refused) return denied(base, refused.layer, refused.code, refused.message, refused.have, refused.need);
      trace.push({ layer: 'project_membership', ok: true, detail: `active member with template '${project.template?.name}'` });
    } else {
      trace.push({ layer: 'project_membership', ok: true, detail: 'not required for a company Directory admin' });
    }
    if (!project.toolActive[tool as ProjectTool]) {
      return denied(
        base,
        'tool_active',
        'tool_inactive',
        `The ${toolName} tool is switched off on this project; a project administrator can activate it.`,
        'inactive',
        'active',
      );
    }
    trace.push({ layer: 'tool_active', ok: true, detail: `${toolName} is active` });
  }

  const level: Level = subject.companyDirectoryAdmin
    ? 'admin'
    : companyTool
      ? subject.companyLevels[tool as CompanyTool]
      : project!.levels[tool as ProjectTool];
  base.level = level;
  const granular: ReadonlySet<GranularKey> = companyTool ? subject.companyGranular : (project?.granular ?? new Set());
  const source = subject.companyDirectoryAdmin
    ? 'company Directory admin'
    : companyTool
      ? `company template '${subject.companyTemplate?.name ?? 'none'}'`
      : `project template '${project?.template?.name ?? 'none'}'`;

  if (rule.anyMember) {
    trace.push({ layer: 'general_level', ok: true, detail: 'any active project member may' });
    return { ...base, outcome: 'allowed', grant: subject.companyDirectoryAdmin ? 'company_directory_admin' : 'any_member', denial: null };
  }

  const need = needText(rule);
  const deny = (layer: Layer, have: unknown, needed: unknown): Decision =>
    denied(
      base,
      layer,
      'permission_denied',
      `You need ${need} to ${rule.does}. You have ${LEVEL_NAMES[level]} on ${toolName} (from ${source}).`,
      have,
      needed,
    );

  if (level === 'none') {
    return deny('general_level', 'none', rule.level ?? rule.roles?.minLevel ?? 'read_only');
  }
  if (rule.level && atLeast(level, rule.level)) {
    trace.push({ layer: 'general_level', ok: true, detail: `${LEVEL_NAMES[level]} on ${toolName} from ${source}` });
    return {
      ...base,
      outcome: 'allowed',
      grant: subject.companyDirectoryAdmin ? 'company_directory_admin' : 'level',
      denial: null,
    };
  }
  trace.push({
    layer: 'general_level',
    ok: false,
    detail: rule.level
      ? `${LEVEL_NAMES[level]} on ${toolName} is below ${LEVEL_NAMES[rule.level]}`
      : `no level alone grants this action`,
  });

  // Granular keys count only on read_only and standard (admin already passed above).
  const key = (rule.granular ?? []).find((k) => granular.has(k));
  if (key) {
    trace.push({ layer: 'granular', ok: true, detail: `granular permission '${key}' from ${source}` });
    return { ...base, outcome: 'allowed', grant: 'granular', denial: null };
  }
  if (rule.granular?.length) {
    trace.push({ layer: 'granular', ok: false, detail: `none of ${rule.granular.join(', ')} on ${source}` });
  }

  if (rule.roles && atLeast(level, rule.roles.minLevel)) {
    if (rule.roles.alsoNeeds && !granular.has(rule.roles.alsoNeeds)) {
      return deny('granular', { level, granular: [...granular].filter((g) => g.startsWith(`${tool}.`)) }, rule.roles.alsoNeeds);
    }
    trace.push({
      layer: 'item_role',
      ok: true,
      detail: `allowed only as the item's ${rule.roles.any.join(' or ')}${rule.roles.onlyWhen ? ` while ${rule.roles.onlyWhen}` : ''}`,
    });
    return { ...base, outcome: 'pending', grant: 'item_role', roles: rule.roles.any, denial: null };
  }

  if (rule.granular?.length) {
    return deny('granular', { level, granular: [...granular].filter((g) => g.startsWith(`${tool}.`)) }, {
      level: rule.level,
      granular_any_of: rule.granular,
    });
  }
  return deny('general_level', level, rule.level ?? rule.roles?.minLevel);
}
