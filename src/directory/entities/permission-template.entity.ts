import { Column, Entity } from 'typeorm';
import { VersionedEntity } from '../../database/base.entity';
import type { GranularKey, TemplateLevels } from '../../permissions/permission.types';

export type TemplateScope = 'company' | 'project';

@Entity('permission_templates')
export class PermissionTemplate extends VersionedEntity {
  @Column({ type: 'integer' })
  companyId!: number;

  /** Set for project-specific templates. */
  @Column({ type: 'integer', nullable: true })
  projectId!: number | null;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  scope!: TemplateScope;

  @Column({ type: 'boolean', default: true })
  assignable!: boolean;

  @Column({ type: 'jsonb', default: {} })
  levels!: TemplateLevels;

  @Column({ type: 'text', array: true, default: [] })
  granular!: GranularKey[];
}
