import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('oauth_apps')
export class OAuthApp {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  companyId!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 255, select: false })
  clientSecretHash!: string;

  @Column({ type: 'text', array: true, default: [] })
  redirectUris!: string[];

  /** Set for a service account app: the directory user it acts as. */
  @Column({ type: 'integer', nullable: true })
  serviceAccountUserId!: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
