import { Column, Entity } from 'typeorm';
import { VersionedEntity } from '../../database/base.entity';

@Entity('users')
export class User extends VersionedEntity {
  @Column({ type: 'integer' })
  companyId!: number;

  /** The user's employer in the company directory. */
  @Column({ type: 'integer', nullable: true })
  vendorId!: number | null;

  @Column({ type: 'integer', nullable: true })
  companyTemplateId!: number | null;

  @Column({ type: 'varchar', length: 255 })
  email!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  jobTitle!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, select: false })
  passwordHash!: string | null;

  @Column({ type: 'boolean', default: false })
  isServiceAccount!: boolean;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'boolean', default: false })
  accountingApprover!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;
}
