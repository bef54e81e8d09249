import type { AccessSubject } from './access-subject';
import { PROJECT_TOOLS, ProjectTool, Level, CompanyTool } from './permission.types';
import { decide } from './resolver';

function subject(overrides: Partial<AccessSubject> = {}, project: Partial<NonNullable<AccessSubject['project']>> = {}): AccessSubject {
  return {
    userId: 7,
    companyId: 3,
    vendorId: null,
    companyDirectoryAdmin: false,
    companyTemplate: { id: 1, name: 'Company Employee', assignable: true },
    companyLevels: { company_directory: 'read_only', company_admin: 'none' } as Record<CompanyTool, Level>,
    companyGranular: new Set(),
    privileges: new Set(),
    project: {
      projectId: 9,
      membership: { id: 1, active: true, removedAt: null },
      template: { id: 2, name: 'Superintendent', assignable: true },
      levels: Object.fromEntries(PROJECT_TOOLS.map((t) => [t, t === 'rfis' ? 'standard' : 'none'])) as Record<ProjectTool, Level>,
      granular: new Set(),
      toolActive: Object.fromEntries(PROJECT_TOOLS.map((t) => [t, true])) as Record<ProjectTool, boolean>,
      ...project,
    },
    ...overrides,
  };
}

describe('the resolver, layer by layer', () => {
  it('refuses a non-member at the membership layer with not_project_member', () => {
    const d = decide('rfis.view', subject({}, { membership: null }));
    expect(d.denial).toMatchObject({ layer: 'project_membership', code: 'not_project_member' });
  });

  it('says a removed member was removed', () => {
    const d = decide('rfis.view', subject({}, { membership: { id: 1, active: false, removedAt: new Date() } }));
    expect(d.denial?.code).toBe('not_project_member');
    expect(d.denial?.message).toMatch(/removed/);
  });

  it('refuses a switched-off tool with tool_inactive even for a company Directory admin', () => {
    const toolActive = Object.fromEntries(PROJECT_TOOLS.map((t) => [t, t !== 'rfis'])) as Record<ProjectTool, boolean>;
    expect(decide('rfis.view', subject({}, { toolActive })).denial?.code).toBe('tool_inactive');
    expect(decide('rfis.view', subject({ companyDirectoryAdmin: true }, { toolActive, membership: null })).denial?.code).toBe('tool_inactive');
  });

  it('lets a company Directory admin act on a project without membership', () => {
    const d = decide('rfis.delete', subject({ companyDirectoryAdmin: true }, { membership: null }));
    expect(d.outcome).toBe('allowed');
    expect(d.grant).toBe('company_directory_admin');
  });

  it('lets any active member view the project whatever their levels', () => {
    const levels = Object.fromEntries(PROJECT_TOOLS.map((t) => [t, 'none'])) as Record<ProjectTool, Level>;
    expect(decide('admin.view_project', subject({}, { levels })).outcome).toBe('allowed');
    expect(decide('admin.view_project', subject({}, { levels, membership: null })).outcome).toBe('denied');
  });

  it('reports have and need on a level denial', () => {
    const levels = Object.fromEntries(PROJECT_TOOLS.map((t) => [t, t === 'rfis' ? 'read_only' : 'none'])) as Record<ProjectTool, Level>;
    const d = decide('rfis.create_draft', subject({}, { levels }));
    expect(d.denial).toMatchObject({ layer: 'general_level', have: 'read_only', need: 'standard' });
    expect(d.denial?.message).toMatch(/Standard or Admin on RFIs/);
  });

  it('names the missing granular key when a granular key would have allowed it', () => {
    const d = decide('rfis.create_open', subject());
    expect(d.denial?.layer).toBe('granular');
    expect(JSON.stringify(d.denial?.need)).toContain('rfis.act_as_rfi_manager');
  });

  it('ignores granular keys on a None level', () => {
    const d = decide('rfis.create_open', subject({}, { levels: Object.fromEntries(PROJECT_TOOLS.map((t) => [t, 'none'])) as Record<ProjectTool, Level>, granular: new Set(['rfis.act_as_rfi_manager']) }));
    expect(d.outcome).toBe('denied');
    expect(d.denial?.layer).toBe('general_level');
  });

  it('leaves item-role actions pending for the feature policy, with the roles it needs', () => {
    const d = decide('rfis.respond', subject());
    expect(d.outcome).toBe('pending');
    expect(d.roles).toEqual(['assignee', 'rfi_manager']);
  });

  it('evaluates company tools from the company template, not the project', () => {
    expect(decide('company_directory.view', subject({ project: null })).outcome).toBe('allowed');
    expect(decide('company_directory.create_user', subject({ project: null })).denial?.layer).toBe('granular');
  });

  it('records a verdict for every layer it passed, in order', () => {
    const d = decide('rfis.create_draft', subject());
    expect(d.trace.map((v) => v.layer)).toEqual([
      'authentication',
      'company_context',
      'company_directory_admin',
      'project_membership',
      'tool_active',
      'general_level',
    ]);
  });
});
