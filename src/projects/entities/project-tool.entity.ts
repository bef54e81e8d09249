import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ProjectTool as ProjectToolName } from '../../permissions/permission.types';

@Entity('project_tools')
export class ProjectTool {
  @PrimaryColumn({ type: 'integer' })
  projectId!: number;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  tool!: ProjectToolName;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
