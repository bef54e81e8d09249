import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('oauth_codes')
export class OAuthCode {
  @PrimaryColumn({ type: 'char', length: 64 })
  codeHash!: string;

  @Column({ type: 'integer' })
  appId!: number;

  @Column({ type: 'integer' })
  userId!: number;

  @Column({ type: 'text' })
  redirectUri!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
