import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { AuthContext } from '../common/http/request-context';
import type { AccessSubject, ProjectAccess } from './access-subject';
import { AccessService } from './access.service';
import { describeRule } from './describe-rule';
import { ItemPolicyRegistry } from './item-policy';
import { Action, ACTIONS, isAction, ruleOf } from './matrix/action-matrix';
import { LEVEL_NAMES, TOOL_NAMES } from './matrix/names';
import { GRANULAR_KEYS, LAYERS, Level, PROJECT_TOOLS, ProjectTool, TemplateLevels, GranularKey } from './permission.types';
import { Decision, decide, isCompanyTool } from './resolver';

interface TemplateRow {
  id: number;
  name: string;
  assignable: boolean;
  levels: TemplateLevels;
  granular: GranularKey[];
}

export interface ExplainQuery {
  userId: number | null;
  action: string | undefined;
  itemId: number | null;
}

/**
 * `permissions/explain`: the decision for one user and action with every
 * layer's verdict, and what an administrator could change to allow it.
 */
@Injectable()
export class ExplainService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly policies: ItemPolicyRegistry,
  ) {}

  async explain(caller: AuthContext, callerSubject: AccessSubject, projectId: number | null, q: ExplainQuery): Promise<Record<string, unknown>> {
    if (!q.action || !isAction(q.action)) {
      throw AppError.field('action', `must be one of the matrix actions, e.g. rfis.create_draft (${ACTIONS.length} known; see /docs)`);
    }
    const action: Action = q.action;
    const rule = ruleOf(action);
    if (projectId === null && !isCompanyTool(rule.tool)) {
      throw AppError.field('action', `is a project action; explain it at /rest/v1.0/projects/{project_id}/permissions/explain`);
    }
    const targetId = q.userId ?? caller.userId;
    if (targetId !== caller.userId) this.assertMayExplainOthers(callerSubject, projectId);
    return this.explainFor(caller, targetId, projectId, action, q);
  }

  /** The explanation for any user of the caller's company (diagnose, and explain once the caller may). */
  async explainFor(caller: AuthContext, targetId: number, projectId: number | null, action: Action, q: Pick<ExplainQuery, 'userId' | 'itemId'>): Promise<Record<string, unknown>> {
    const rule = ruleOf(action);
    const subject = await this.access.load(targetId, caller.companyId, isCompanyTool(rule.tool) ? null : projectId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found' && q.userId !== null) throw AppError.field('user_id', 'is not a user of this company');
      throw err;
    });
    const [user] = await this.db.query('SELECT id, name, email, active, locked_until FROM users WHERE id = $1', [targetId]);
    const decision = decide(action, subject);

    let item: Record<string, unknown> | null = null;
    let allowed = decision.outcome === 'allowed' || (decision.outcome === 'denied' && !!rule.fallback);
    const policy = this.policies.get(action);
    if (q.itemId !== null && decision.outcome !== 'denied' && policy) {
      const verdict = await policy.check({
        decision,
        subject,
        auth: { ...caller, userId: targetId },
        itemId: q.itemId,
        params: { project_id: String(projectId), id: String(q.itemId) },
        body: undefined,
      });
      item = verdict.allowed ? { allowed: true, detail: verdict.detail ?? null } : { ...verdict };
      allowed = verdict.allowed;
    } else if (decision.outcome === 'pending') {
      allowed = false;
    }

    const layers = this.layers(decision, item);
    return {
      user: { id: user.id, name: user.name, login: user.email, active: user.active },
      action,
      project_id: projectId,
      item_id: q.itemId,
      allowed,
      outcome: item ? (allowed ? 'allowed' : 'denied') : decision.outcome,
      rule: {
        tool: rule.tool,
        description: describeRule(action),
        level: rule.level,
        granular: rule.granular ?? [],
        item_roles: rule.roles
          ? { any: rule.roles.any, min_level: rule.roles.minLevel, also_needs: rule.roles.alsoNeeds ?? null, only_when: rule.roles.onlyWhen ?? null }
          : null,
        any_member: rule.anyMember ?? false,
      },
      held: {
        company_directory_admin: subject.companyDirectoryAdmin,
        company_template: subject.companyTemplate,
        project_template: subject.project?.template ?? null,
        membership: subject.project?.membership
          ? { active: subject.project.membership.active, removed_at: subject.project.membership.removedAt?.toISOString() ?? null }
          : null,
        level: decision.level,
        granular: [...(isCompanyTool(rule.tool) ? subject.companyGranular : (subject.project?.granular ?? []))].filter((g) =>
          g.startsWith(`${rule.tool}.`),
        ),
        tool_active: subject.project ? subject.project.toolActive[rule.tool as ProjectTool] ?? true : null,
      },
      denied_at: decision.denial
        ? { layer: decision.denial.layer, code: decision.denial.code, message: decision.denial.message, have: decision.denial.have, need: decision.denial.need }
        : item && !item.allowed
          ? { layer: item.layer, code: item.code ?? 'permission_denied', message: item.message, have: item.have, need: item.need }
          : null,
      layers,
      how_to_allow: allowed ? [] : await this.remedies(decision, subject, projectId),
    };
  }

  /** Tools of a project with the caller's level, permitted and conditional actions, granular keys. */
  toolPermissions(subject: AccessSubject): Record<string, unknown> {
    const project = subject.project!;
    return {
      project_id: project.projectId,
      user_id: subject.userId,
      company_directory_admin: subject.companyDirectoryAdmin,
      permission_template: project.template ? { id: project.template.id, name: project.template.name } : null,
      tools: PROJECT_TOOLS.map((tool) => {
        const decisions = ACTIONS.filter((a) => ruleOf(a).tool === tool).map((a) => decide(a, subject));
        const level = subject.companyDirectoryAdmin ? 'admin' : project.levels[tool];
        return {
          name: tool,
          title: TOOL_NAMES[tool],
          active: project.toolActive[tool],
          user_access_level: { key: level, name: LEVEL_NAMES[level] },
          permitted_actions: decisions.filter((d) => d.outcome === 'allowed').map((d) => d.action),
          conditional_actions: decisions
            .filter((d) => d.outcome === 'pending')
            .map((d) => ({ action: d.action, as_item_role: d.roles, only_when: d.rule.roles?.onlyWhen ?? null })),
          granular: (GRANULAR_KEYS[tool] as readonly string[]).map((key) => ({
            key: `${tool}.${key}`,
            granted: project.granular.has(`${tool}.${key}` as GranularKey),
          })),
        };
      }),
    };
  }

  private assertMayExplainOthers(caller: AccessSubject, projectId: number | null): void {
    const ok = projectId === null ? caller.companyLevels.company_directory === 'admin' : caller.companyDirectoryAdmin || caller.project?.levels.directory === 'admin';
    if (!ok) {
      throw new AppError('permission_denied', projectId === null
        ? "You need Admin on the company Directory to explain another user's access."
        : "You need Admin on the project Directory to explain another user's access; you may explain your own.", {
        action: 'permissions.explain',
        layer: 'general_level',
        have: projectId === null ? caller.companyLevels.company_directory : (caller.project?.levels.directory ?? 'none'),
        need: 'admin',
      });
    }
  }

  private layers(decision: Decision, item: Record<string, unknown> | null): Record<string, unknown>[] {
    const seen = new Map(decision.trace.map((v) => [v.layer, v]));
    let failed = false;
    return LAYERS.map((layer) => {
      const v = seen.get(layer);
      if (layer === 'item_role' || layer === 'item_state') {
        if (item && !item.allowed && item.layer === layer) return { layer, verdict: 'fail', detail: item.message };
        if (v) return { layer, verdict: v.ok ? 'pass' : 'fail', detail: v.detail };
        return { layer, verdict: failed ? 'not_reached' : 'not_applicable', detail: null };
      }
      if (v) {
        if (!v.ok && v.layer === decision.denial?.layer) failed = true;
        return { layer, verdict: v.ok ? 'pass' : 'fail', detail: v.detail };
      }
      return { layer, verdict: failed ? 'not_reached' : 'not_applicable', detail: null };
    });
  }

  /** What an administrator could change, most direct first. */
  private async remedies(decision: Decision, subject: AccessSubject, projectId: number | null): Promise<Record<string, unknown>[]> {
    const rule = decision.rule;
    const out: Record<string, unknown>[] = [];
    const layer = decision.denial?.layer ?? 'item_role';
    const project = subject.project;
    if (layer === 'project_membership') {
      out.push({ change: 'add_to_project', detail: 'Add the user to the project from the company directory with a project template.', request: `POST /rest/v1.0/projects/${projectId}/users` });
    }
    if (layer === 'tool_active') {
      out.push({ change: 'activate_tool', detail: `Activate the ${TOOL_NAMES[rule.tool]} tool on the project.`, request: `POST /rest/v1.0/projects/${projectId}/tools/${rule.tool}/actions/activate` });
    }
    const template = isCompanyTool(rule.tool) ? subject.companyTemplate : project?.template;
    if ((layer === 'general_level' || layer === 'granular') && template) {
      if (rule.level) {
        out.push({ change: 'raise_level', detail: `Raise ${TOOL_NAMES[rule.tool]} to ${LEVEL_NAMES[rule.level]} on the template '${template.name}' (affects everyone holding it).`, template: { id: template.id, name: template.name }, request: `PATCH /rest/v1.0/companies/${subject.companyId}/permission_templates/${template.id}` });
      }
      for (const key of rule.granular ?? []) {
        if (decision.level === 'read_only' || decision.level === 'standard') {
          out.push({ change: 'add_granular', detail: `Add the granular permission '${key}' to the template '${template.name}'.`, template: { id: template.id, name: template.name }, granular: key });
        }
      }
      if (rule.roles?.alsoNeeds) {
        out.push({ change: 'add_granular', detail: `Add '${rule.roles.alsoNeeds}' to the template '${template.name}'.`, template: { id: template.id, name: template.name }, granular: rule.roles.alsoNeeds });
      }
    }
    if (decision.outcome === 'pending' || layer === 'item_role') {
      if (rule.roles) out.push({ change: 'item_role', detail: `Make the user the item's ${rule.roles.any.join(' or ')}${rule.roles.onlyWhen ? ` (only while ${rule.roles.onlyWhen})` : ''}.` });
    }
    const alternatives = await this.templatesThatAllow(decision.action, subject, projectId);
    if (alternatives.length) {
      out.push({
        change: isCompanyTool(rule.tool) ? 'assign_company_template' : 'change_project_template',
        detail: 'Assign one of these existing templates, which allow the action:',
        templates: alternatives,
        request: isCompanyTool(rule.tool)
          ? `PATCH /rest/v1.0/companies/${subject.companyId}/users/${subject.userId}`
          : `PATCH /rest/v1.0/projects/${projectId}/users/${subject.userId}`,
      });
    }
    out.push({ change: 'company_directory_admin', detail: 'Or give the user Admin on the company Directory (Admin on every tool).' });
    return out;
  }

  private async templatesThatAllow(action: Action, subject: AccessSubject, projectId: number | null): Promise<{ id: number; name: string; assignable: boolean }[]> {
    const company = isCompanyTool(ruleOf(action).tool);
    const rows: TemplateRow[] = await this.db.query(
      `SELECT id, name, assignable, levels, granular FROM permission_templates
        WHERE company_id = $1 AND scope = $2 AND (project_id IS NULL OR project_id = $3) ORDER BY name`,
      [subject.companyId, company ? 'company' : 'project', projectId ?? 0],
    );
    return rows
      .filter((t) => {
        const level = (tool: string): Level => (t.levels as Record<string, Level>)[tool] ?? 'none';
        const hypothetical: AccessSubject = company
          ? { ...subject, companyDirectoryAdmin: level('company_directory') === 'admin', companyLevels: { company_directory: level('company_directory'), company_admin: level('company_admin') }, companyGranular: new Set(t.granular) }
          : {
              ...subject,
              companyDirectoryAdmin: false,
              project: {
                ...(subject.project as ProjectAccess),
                membership: { id: 0, active: true, removedAt: null },
                template: { id: t.id, name: t.name, assignable: t.assignable },
                levels: Object.fromEntries(PROJECT_TOOLS.map((tool) => [tool, level(tool)])) as Record<ProjectTool, Level>,
                granular: new Set(t.granular),
                toolActive: Object.fromEntries(PROJECT_TOOLS.map((tool) => [tool, true])) as Record<ProjectTool, boolean>,
              },
            };
        return decide(action, hypothetical).outcome === 'allowed';
      })
      .map((t) => ({ id: t.id, name: t.name, assignable: t.assignable }));
  }
}
