import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, FieldError } from '../common/errors';
import type { Actor } from '../common/http/request-helpers';
import { User } from '../directory/entities/user.entity';
import { CreateAppDto } from './dto/app.dto';
import { OAuthApp } from './entities/oauth-app.entity';
import { hashSecret, randomToken } from './secrets';
import { SandboxClock } from '../sandboxes/sandbox-clock';

function mapApp(a: OAuthApp, secret?: string): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    client_id: a.clientId,
    ...(secret ? { client_secret: secret } : {}),
    redirect_uris: a.redirectUris,
    service_account_user_id: a.serviceAccountUserId,
    created_at: a.createdAt.toISOString(),
  };
}

function checkRedirects(uris: string[]): void {
  const errors: FieldError[] = [];
  uris.forEach((raw, i) => {
    if (raw === 'urn:ietf:wg:oauth:2.0:oob') return;
    try {
      const u = new URL(raw);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') errors.push({ field: `redirect_uris[${i}]`, message: 'must be an http(s) URL' });
      else if (u.hash) errors.push({ field: `redirect_uris[${i}]`, message: 'must not have a fragment' });
    } catch {
      errors.push({ field: `redirect_uris[${i}]`, message: 'is not a URL' });
    }
  });
  if (errors.length) throw AppError.validation(errors);
}

/** OAuth apps of a company (company_admin.manage_apps); a secret is shown once, at creation. */
@Injectable()
export class AppsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: SandboxClock,
  ) {}

  async list(companyId: number): Promise<Record<string, unknown>[]> {
    return (await this.db.getRepository(OAuthApp).find({ where: { companyId }, order: { id: 'ASC' } })).map((a) => mapApp(a));
  }

  async create(companyId: number, dto: CreateAppDto, actor: Actor): Promise<Record<string, unknown>> {
    const redirects = dto.redirect_uris ?? [];
    checkRedirects(redirects);
    if (!dto.service_account && redirects.length === 0) throw AppError.field('redirect_uris', 'needs at least one URI (or make the app a service account)');
    const secret = randomToken(32);
    const secretHash = await hashSecret(secret);
    const app = await this.clock.transaction(companyId, async (m) => {
      let serviceAccountUserId: number | null = null;
      if (dto.service_account) {
        const [template] = await m.query(
          `SELECT id FROM permission_templates WHERE company_id = $1 AND scope = 'company' AND levels->>'company_directory' = 'read_only' ORDER BY id LIMIT 1`,
          [companyId],
        );
        const user = await m.save(
          m.create(User, {
            companyId,
            email: `service.${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, '')}@apps.sitesim.test`,
            name: dto.name,
            isServiceAccount: true,
            companyTemplateId: template?.id ?? null,
          }),
        );
        serviceAccountUserId = user.id;
      }
      const row = await m.save(
        m.create(OAuthApp, { companyId, name: dto.name, clientId: `app-${randomToken(12)}`, clientSecretHash: secretHash, redirectUris: redirects, serviceAccountUserId }),
      );
      await this.audit.record({ companyId, userId: actor.userId, kind: 'app_created', detail: { app_id: row.id, service_account_user_id: serviceAccountUserId }, requestId: actor.requestId }, m);
      return row;
    });
    return mapApp(app, secret);
  }

  /** Deleting an app ends its tokens (and its service account's). */
  async remove(companyId: number, id: number, actor: Actor): Promise<number> {
    return this.clock.transaction(companyId, async (m) => {
      const app = await m.findOneBy(OAuthApp, { id, companyId });
      if (!app) throw AppError.notFound('App');
      await m.delete(OAuthApp, { id });
      if (app.serviceAccountUserId) await m.update(User, { id: app.serviceAccountUserId }, { active: false });
      await this.audit.record({ companyId, userId: actor.userId, kind: 'app_deleted', detail: { app_id: id }, requestId: actor.requestId }, m);
      return companyId;
    });
  }
}
