import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An access token (and its refresh token), stored as SHA-256 hashes only. */
@Entity('oauth_tokens')
export class OAuthToken {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  companyId!: number;

  @Column({ type: 'integer' })
  userId!: number;

  @Column({ type: 'integer', nullable: true })
  appId!: number | null;

  @Column({ type: 'char', length: 64 })
  accessHash!: string;

  @Column({ type: 'char', length: 64, nullable: true })
  refreshHash!: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  refreshExpiresAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
