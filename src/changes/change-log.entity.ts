import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ChangeEvent = 'create' | 'update' | 'delete';

/** One write: the resource, its version after the write, and the full row as it then was. */
@Entity('change_log')
export class ChangeLogEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'integer' })
  companyId!: number;

  @Column({ type: 'integer', nullable: true })
  projectId!: number | null;

  @Column({ type: 'varchar', length: 64 })
  resource!: string;

  @Column({ type: 'integer' })
  resourceId!: number;

  @Column({ type: 'varchar', length: 16 })
  eventType!: ChangeEvent;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  snapshot!: Record<string, unknown>;

  @Column({ type: 'integer', nullable: true })
  actorId!: number | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
