import type { AccessSubject } from '../../src/permissions/access-subject';
import { ACTIONS, Action, ruleOf } from '../../src/permissions/matrix/action-matrix';
import {
  COMPANY_TOOLS,
  CompanyTool,
  GRANULAR_KEYS,
  GranularKey,
  Level,
  LEVELS,
  PROJECT_TOOLS,
  ProjectTool,
  Tool,
} from '../../src/permissions/permission.types';
import { decide, isCompanyTool } from '../../src/permissions/resolver';
import { CONTRACT, expected, Expected } from './permission-contract';

function subject(tool: Tool, level: Level, granular: Set<string>, companyDirectoryAdmin = false): AccessSubject {
  const companyLevels = Object.fromEntries(COMPANY_TOOLS.map((t) => [t, 'none'])) as Record<CompanyTool, Level>;
  const levels = Object.fromEntries(PROJECT_TOOLS.map((t) => [t, 'none'])) as Record<ProjectTool, Level>;
  if (isCompanyTool(tool)) companyLevels[tool] = level;
  else levels[tool as ProjectTool] = level;
  if (companyDirectoryAdmin) companyLevels.company_directory = 'admin';
  const keys = new Set(granular as Set<GranularKey>);
  return {
    userId: 1,
    companyId: 1,
    vendorId: null,
    companyDirectoryAdmin,
    companyTemplate: { id: 1, name: 'Company', assignable: true },
    companyLevels,
    companyGranular: isCompanyTool(tool) ? keys : new Set(),
    privileges: new Set(),
    project: {
      projectId: 1,
      membership: { id: 1, active: true, removedAt: null },
      template: { id: 2, name: 'Project', assignable: true },
      levels,
      granular: isCompanyTool(tool) ? new Set() : keys,
      toolActive: Object.fromEntries(PROJECT_TOOLS.map((t) => [t, true])) as Record<ProjectTool, boolean>,
    },
  };
}

/** Every granular situation worth checking for a tool: none, each key alone, all keys. */
function granularSets(tool: Tool): Set<string>[] {
  const keys = (GRANULAR_KEYS[tool] as readonly string[]).map((k) => `${tool}.${k}`);
  return [new Set<string>(), ...keys.map((k) => new Set([k])), new Set(keys)];
}

describe('the action matrix', () => {
  it('has exactly the actions of the PERMISSIONS.md contract', () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(CONTRACT).sort());
  });

  it('names only granular keys that belong to the action\'s tool', () => {
    for (const action of ACTIONS) {
      const rule = ruleOf(action);
      for (const key of [...(rule.granular ?? []), ...(rule.roles?.alsoNeeds ? [rule.roles.alsoNeeds] : [])]) {
        expect(`${action}: ${key.split('.')[0]}`).toBe(`${action}: ${rule.tool}`);
      }
    }
  });

  const cases: [Action, Level, string[], Expected][] = [];
  for (const action of ACTIONS) {
    const tool = ruleOf(action).tool;
    for (const level of LEVELS) {
      for (const set of granularSets(tool)) cases.push([action, level, [...set], expected(CONTRACT[action], tool, level, set)]);
    }
  }

  it.each(cases)('%s with %s and granular %j is %s', (action, level, granular, outcome) => {
    const decision = decide(action, subject(ruleOf(action).tool, level, new Set(granular)));
    // company_admin.view_projects has a narrower answer for others, but the decision itself follows the matrix.
    expect(decision.outcome).toBe(outcome);
    if (outcome === 'denied') {
      expect(decision.denial?.code).toBe('permission_denied');
      expect(['general_level', 'granular']).toContain(decision.denial?.layer);
      if (level === 'none') expect(decision.denial?.layer).toBe('general_level');
    }
  });

  it.each(ACTIONS.map((a) => [a]))('%s: a company Directory admin gets the Admin answer on every tool', (action) => {
    const tool = ruleOf(action).tool;
    const decision = decide(action, subject(tool, 'none', new Set(), true));
    expect(decision.outcome).toBe(expected(CONTRACT[action], tool, 'admin', new Set()));
    expect(decision.level).toBe('admin');
  });
});
