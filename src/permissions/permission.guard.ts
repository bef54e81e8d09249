import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { PermissionChanges } from './permission-changes';
import { TokenAuthService } from '../auth/token-auth.service';
import { AppError } from '../common/errors';
import type { AuthContext } from '../common/http/request-context';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { parseId } from '../common/validation/id.pipe';
import { AccessService } from './access.service';
import { DenialsService } from './denials.service';
import { ItemPolicyRegistry } from './item-policy';
import { decide, membershipDenial, refusalError } from './resolver';
import { ROUTE_ACCESS, RouteAccess } from './route-access';

/**
 * The one guard in front of every route: layer 1 (token), the per-token rate
 * limit, layer 2 (company context), then the matrix decision for the route's
 * declared action (layers 3–7) and the feature's item policy (layers 8–9).
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenAuthService,
    private readonly rateLimiter: RateLimiter,
    private readonly access: AccessService,
    private readonly policies: ItemPolicyRegistry,
    private readonly denials: DenialsService,
    private readonly changes: PermissionChanges,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declared = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!declared) throw new Error(`route ${context.getClass().name}.${context.getHandler().name} declares no access`);
    if (declared.kind === 'public' || declared.kind === 'sim_control') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const auth = await this.authenticate(request, context.switchToHttp().getResponse<FastifyReply>());
    request.auth = auth;
    if (declared.kind === 'authenticated') return true;
    try {
      await this.authorize(request, auth, declared);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.status === 403) {
        await this.denials.record({
          companyId: auth.companyId,
          projectId: request.access?.projectId ?? null,
          userId: auth.userId,
          action: declared.kind === 'action' ? declared.action : null,
          error: err,
          requestId: String(request.id),
          route: request.routeOptions.url ?? request.url,
          method: request.method,
        });
      }
      throw err;
    }
  }

  /**
   * Layer 1 and the rate limit, in one Redis round trip that also reads the
   * company's permission epoch; cached callers are reused only under that epoch.
   */
  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<AuthContext> {
    const hash = this.tokens.hashOf(request.headers.authorization);
    const cached = this.tokens.cached(hash);
    if (!cached) {
      const auth = await this.tokens.load(hash, null);
      await this.rateLimiter.consume(reply, auth);
      return auth;
    }
    const key = this.changes.epochKey(cached.companyId);
    const [raw] = await this.rateLimiter.consume(reply, cached, [key]);
    const epoch = raw === null ? null : Number(raw);
    if (raw === null) await this.redis.set(key, String(this.changes.newBase()), 'NX').catch(() => undefined);
    return (await this.tokens.valid(hash, epoch)) ?? (await this.tokens.load(hash, epoch));
  }

  private async authorize(
    request: FastifyRequest,
    auth: AuthContext,
    declared: Extract<RouteAccess, { kind: 'company_member' | 'project_member' | 'action' }>,
  ): Promise<void> {
    const params = (request.params ?? {}) as Record<string, string>;
    const companyId = companyContext(request, auth, params.company_id);
    let projectId: number | null = null;
    if (declared.kind === 'project_member') {
      projectId = parseId(params.project_id);
      if (projectId === null) throw AppError.notFound('Project');
    } else if (declared.kind === 'action' && declared.projectFrom) {
      const raw = declared.projectFrom === 'param' ? params.project_id : (request.query as Record<string, unknown>)?.project_id;
      projectId = parseId(raw);
      if (projectId === null) {
        if (declared.projectFrom === 'query') throw AppError.field('project_id', 'is required and must be a project id');
        throw AppError.notFound('Project');
      }
    }
    const subject = await this.access.subject(auth.userId, companyId, projectId, auth.epoch);
    request.access = { companyId, projectId, subject, decision: null };
    if (declared.kind === 'company_member') return;
    if (declared.kind === 'project_member') {
      // Layer 4 alone (a Company Directory Admin is admin everywhere).
      const refused = subject.companyDirectoryAdmin ? null : membershipDenial(subject.project);
      if (refused) throw refusalError(refused);
      return;
    }

    const decision = decide(declared.action, subject);
    request.access.decision = decision;
    if (decision.outcome === 'denied' && !decision.rule.fallback) {
      throw refusalError(decision.denial!, declared.action);
    }
    const policy = this.policies.get(declared.action);
    if (!policy) {
      if (decision.outcome === 'pending') {
        throw new AppError('permission_denied', `No item rule allows you to ${decision.rule.does}.`, {
          action: declared.action,
          layer: 'item_role',
          have: decision.level,
          need: decision.roles,
        });
      }
      return;
    }
    const itemId = declared.item ? parseId(params[declared.item]) : null;
    if (declared.item && itemId === null) throw AppError.notFound('Item');
    const verdict = await policy.check({ decision, subject, auth, itemId, params, body: request.body });
    if (!verdict.allowed) {
      throw new AppError(verdict.code ?? 'permission_denied', verdict.message, {
        action: declared.action,
        layer: verdict.layer,
        have: verdict.have,
        need: verdict.need,
      });
    }
  }
}

/** Layer 2: the request names its company, and the caller is in that company's directory. */
export function companyContext(request: FastifyRequest, auth: AuthContext, pathCompanyId: string | undefined): number {
  const header = request.headers['procore-company-id'];
  if (header === undefined || header === '') {
    throw new AppError('company_header_missing', 'Name the company of this request in the Procore-Company-Id header.');
  }
  const headerId = parseId(Array.isArray(header) ? header[0] : header);
  if (headerId === null) {
    throw new AppError('invalid_request', 'Procore-Company-Id must be a company id (a positive integer).');
  }
  const pathId = pathCompanyId === undefined ? headerId : parseId(pathCompanyId);
  if (headerId !== auth.companyId || pathId !== auth.companyId) {
    throw new AppError('not_in_company', 'You are not in the directory of this company.', {
      layer: 'company_context',
      company_id: pathId ?? headerId,
    });
  }
  return auth.companyId;
}
