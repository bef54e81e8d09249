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

  /** PKCE (S256): base64url(SHA-256(code_verifier)); the exchange must send that verifier. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  codeChallenge!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
