import { Column, Entity } from 'typeorm';
import { VersionedEntity } from '../../database/base.entity';

/** A user on a project's directory with exactly one project template. Removal keeps the row (history). */
@Entity('project_memberships')
export class ProjectMembership extends VersionedEntity {
  @Column({ type: 'integer' })
  companyId!: number;

  @Column({ type: 'integer' })
  projectId!: number;

  @Column({ type: 'integer' })
  userId!: number;

  /** Null only on a removed membership whose template was deleted since. */
  @Column({ type: 'integer', nullable: true })
  templateId!: number | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  removedAt!: Date | null;

  @Column({ type: 'integer', nullable: true })
  removedById!: number | null;
}
