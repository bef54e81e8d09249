import { Column, Entity } from 'typeorm';
import { VersionedEntity } from '../database/base.entity';
import type { SandboxSettings } from './sandbox-settings';

export type SandboxTemplate = 'blank' | 'training';

/** Ids given to seeded records, so that a reset gives back the same ids. */
export interface SeededIds {
  personas?: Record<string, number>;
  vendors?: Record<string, number>;
  templates?: Record<string, number>;
  projects?: Record<string, number>;
  apps?: Record<string, number>;
  [feature: string]: Record<string, number> | undefined;
}

export interface SeedSecrets {
  persona_password_hash?: string;
  app_secret_hashes?: Record<string, string>;
}

@Entity('sandboxes')
export class Sandbox extends VersionedEntity {
  @Column({ type: 'integer' })
  companyId!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  template!: SandboxTemplate;

  @Column({ type: 'integer' })
  seed!: number;

  @Column({ type: 'char', length: 64, select: false })
  tokenHash!: string;

  /** The training personas' shared password: a seeded fixture, shown to the sandbox's operator. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  personaPassword!: string | null;

  @Column({ type: 'jsonb', default: {} })
  settings!: SandboxSettings;

  @Column({ type: 'jsonb', default: {} })
  seededIds!: SeededIds;

  /** How many times it was reset (what was set up in it before is gone). */
  @Column({ type: 'integer', default: 0 })
  resets!: number;

  /** Hashes of the seeded credentials, so that a reset restores the same logins. */
  @Column({ type: 'jsonb', default: {}, select: false })
  seedSecrets!: SeedSecrets;
}
