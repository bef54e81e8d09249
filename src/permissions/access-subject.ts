import type { CompanyPrivilege, CompanyTool, GranularKey, Level, ProjectTool } from './permission.types';

export interface TemplateRef {
  id: number;
  name: string;
  assignable: boolean;
}

/** What a user holds in a project: membership, template, levels, granular keys, active tools. */
export interface ProjectAccess {
  projectId: number;
  membership: { id: number; active: boolean; removedAt: Date | null } | null;
  template: TemplateRef | null;
  levels: Readonly<Record<ProjectTool, Level>>;
  granular: ReadonlySet<GranularKey>;
  toolActive: Readonly<Record<ProjectTool, boolean>>;
}

/** Everything the resolver needs about a user in one company (and optionally one project). */
export interface AccessSubject {
  userId: number;
  companyId: number;
  vendorId: number | null;
  /** Layer 3: admin on the company-level Directory tool. */
  companyDirectoryAdmin: boolean;
  companyTemplate: TemplateRef | null;
  companyLevels: Readonly<Record<CompanyTool, Level>>;
  companyGranular: ReadonlySet<GranularKey>;
  privileges: ReadonlySet<CompanyPrivilege>;
  project: ProjectAccess | null;
}
