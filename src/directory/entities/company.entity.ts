import { Column, Entity } from 'typeorm';
import { VersionedEntity } from '../../database/base.entity';

@Entity('companies')
export class Company extends VersionedEntity {
  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** Bumped in the same transaction as any change to who may do what in the company. */
  @Column({ type: 'integer', default: 1 })
  permissionVersion!: number;
}
