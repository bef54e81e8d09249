import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { VersionedEntity } from '../database/base.entity';

/** One attempt of a delivery: when it was made (sandbox time), what the destination answered, and the error if it failed. */
export interface DeliveryAttempt {
  attempt: number;
  at: string;
  response_status: number | null;
  error: string | null;
}

@Entity('webhook_hooks')
export class WebhookHook extends VersionedEntity {
  @Column({ type: 'integer' })
  companyId!: number;

  @Column({ type: 'integer' })
  projectId!: number;

  @Column({ type: 'varchar', length: 64 })
  namespace!: string;

  @Column({ type: 'varchar', length: 2048 })
  destinationUrl!: string;

  @Column({ type: 'jsonb', default: {} })
  destinationHeaders!: Record<string, string>;
}

@Entity('webhook_triggers')
export class WebhookTrigger {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  hookId!: number;

  @Column({ type: 'varchar', length: 64 })
  resourceName!: string;

  @Column({ type: 'varchar', length: 16 })
  eventType!: 'create' | 'update' | 'delete';

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

export type DeliveryStatus = 'queued' | 'retrying' | 'delivered' | 'discarded';

@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'integer' })
  hookId!: number;

  @Column({ type: 'bigint' })
  changeId!: string;

  @Column({ type: 'char', length: 26 })
  eventUlid!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  responseBody!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** Every attempt, oldest first, at its sandbox time. */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  attemptLog!: DeliveryAttempt[];

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
