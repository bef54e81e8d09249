import type { Project } from './entities/project.entity';

export function mapProject(p: Project, companyName: string): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    project_number: p.projectNumber,
    address: p.address,
    active: p.active,
    company: { id: p.companyId, name: companyName },
    rfi_due_days: p.settings.rfi_due_days ?? 7,
    version: p.version,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}
