import { Column, Entity } from 'typeorm';
import { VersionedEntity } from '../../database/base.entity';

export interface ProjectSettings {
  /** Default RFI due date, in business days after opening. */
  rfi_due_days?: number;
}

@Entity('projects')
export class Project extends VersionedEntity {
  @Column({ type: 'integer' })
  companyId!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  projectNumber!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  address!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'jsonb', default: {} })
  settings!: ProjectSettings;
}
