import { MigrationInterface, QueryRunner } from 'typeorm';

/** PKCE (RFC 7636, S256): a code may carry the challenge its exchange must answer with the verifier. */
export class OauthPkce1733500000001 implements MigrationInterface {
  name = 'OauthPkce1733500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oauth_codes ADD COLUMN code_challenge varchar(128)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oauth_codes DROP COLUMN code_challenge`);
  }
}
