import { ChangeLog } from '../changes/change-log.service';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { PermissionChanges } from '../permissions/permission-changes';
import { TOOL_NAMES } from '../permissions/matrix/names';
import { CORE_PROJECT_TOOLS, PROJECT_TOOLS, ProjectTool as ToolName } from '../permissions/permission.types';
import { ProjectTool } from './entities/project-tool.entity';

export interface ToolView {
  name: ToolName;
  title: string;
  active: boolean;
  can_deactivate: boolean;
  updated_at: string | null;
}

/** Which tools are switched on for a project (layer 5). */
@Injectable()
export class ToolsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly changeLog: ChangeLog,
    private readonly changes: PermissionChanges,
  ) {}

  async list(projectId: number): Promise<ToolView[]> {
    const rows = await this.db.getRepository(ProjectTool).findBy({ projectId });
    const byName = new Map(rows.map((r) => [r.tool, r]));
    return PROJECT_TOOLS.map((tool) => ({
      name: tool,
      title: TOOL_NAMES[tool],
      active: byName.get(tool)?.active ?? true,
      can_deactivate: !CORE_PROJECT_TOOLS.includes(tool),
      updated_at: byName.get(tool)?.updatedAt.toISOString() ?? null,
    }));
  }

  /** Switching a tool off hides it from everyone on the next request. */
  async setActive(companyId: number, projectId: number, tool: string, active: boolean, actor: Actor): Promise<ToolView> {
    if (!(PROJECT_TOOLS as readonly string[]).includes(tool)) throw AppError.notFound('Tool');
    const name = tool as ToolName;
    if (!active && CORE_PROJECT_TOOLS.includes(name)) {
      throw AppError.field('tool', `${TOOL_NAMES[name]} is a core tool and cannot be deactivated`);
    }
    await this.changes.transaction(companyId, async (m) => {
      await m.query(
        `INSERT INTO project_tools (project_id, tool, active, updated_at) VALUES ($1, $2, $3, sim_now())
         ON CONFLICT (project_id, tool) DO UPDATE SET active = EXCLUDED.active, updated_at = sim_now()`,
        [projectId, name, active],
      );
      await this.audit.record({ companyId, projectId, userId: actor.userId, kind: active ? 'tool_activated' : 'tool_deactivated', action: null, detail: { tool: name }, requestId: actor.requestId }, m);
      await this.changeLog.record(m, { companyId, projectId, resource: 'Project Tools', resourceId: projectId, eventType: 'update', version: 1, snapshot: { project_id: projectId, tool: name, active }, actor });
    });
    return (await this.list(projectId)).find((t) => t.name === name)!;
  }
}
