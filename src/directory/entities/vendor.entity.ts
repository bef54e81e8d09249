import { Column, Entity } from 'typeorm';
import { VersionedEntity } from '../../database/base.entity';

/** A company in the company directory (the GC itself, subcontractors, design firms, owners). */
@Entity('vendors')
export class Vendor extends VersionedEntity {
  @Column({ type: 'integer' })
  companyId!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  trade!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  email!: string | null;

  @Column({ type: 'boolean', default: false })
  isOwnCompany!: boolean;

  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
