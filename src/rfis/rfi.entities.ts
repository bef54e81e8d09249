import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { VersionedEntity } from '../database/base.entity';

export type RfiStatus = 'draft' | 'open' | 'closed';
export type BallInCourtRole = 'Assignees' | 'RFI Manager' | 'Creator';
export const IMPACT_STATUSES = ['yes_known', 'yes_unknown', 'no_impact', 'tbd', 'n_a'] as const;
export interface Impact {
  status: (typeof IMPACT_STATUSES)[number];
  value: string | null;
}

@Entity('rfis')
export class Rfi extends VersionedEntity {
  @Column({ type: 'integer' }) companyId!: number;
  @Column({ type: 'integer' }) projectId!: number;
  @Column({ type: 'integer', nullable: true }) number!: number | null;
  @Column({ type: 'varchar', length: 255 }) subject!: string;
  @Column({ type: 'text' }) question!: string;
  @Column({ type: 'varchar', length: 16 }) status!: RfiStatus;
  @Column({ type: 'boolean', default: false }) private!: boolean;
  @Column({ type: 'integer', nullable: true }) rfiManagerId!: number | null;
  @Column({ type: 'integer', nullable: true }) createdById!: number | null;
  @Column({ type: 'integer', nullable: true }) receivedFromId!: number | null;
  @Column({ type: 'date', nullable: true }) dueDate!: string | null;
  @Column({ type: 'jsonb' }) costImpact!: Impact;
  @Column({ type: 'jsonb' }) scheduleImpact!: Impact;
  @Column({ type: 'varchar', length: 16, nullable: true }) ballInCourtRole!: BallInCourtRole | null;
  @Column({ type: 'integer', nullable: true }) officialReplyId!: number | null;
  @Column({ type: 'timestamptz', nullable: true }) openedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt!: Date | null;
}

@Entity('rfi_assignees')
export class RfiAssignee {
  @PrimaryColumn({ type: 'integer' }) rfiId!: number;
  @PrimaryColumn({ type: 'integer' }) userId!: number;
}

@Entity('rfi_distribution')
export class RfiDistribution {
  @PrimaryColumn({ type: 'integer' }) rfiId!: number;
  @PrimaryColumn({ type: 'integer' }) userId!: number;
}

@Entity('rfi_replies')
export class RfiReply {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer' }) rfiId!: number;
  @Column({ type: 'text' }) body!: string;
  @Column({ type: 'boolean', default: false }) draft!: boolean;
  @Column({ type: 'boolean', default: false }) official!: boolean;
  @Column({ type: 'integer', nullable: true }) createdById!: number | null;
  @Column({ type: 'integer', default: 1 }) version!: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
