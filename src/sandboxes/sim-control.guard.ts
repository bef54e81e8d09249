import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { digest } from '../auth/secrets';
import { AppError } from '../common/errors';
import { parseId } from '../common/validation/id.pipe';
import { AppConfig } from '../config/app-config';
import { ROUTE_ACCESS, RouteAccess } from '../permissions/route-access';
import { assertSandbox, SimScope } from './sim-access';

export const SANDBOX_TOKEN_PREFIX = 'sbx_';
export const CLASS_TOKEN_PREFIX = 'cls_';

/**
 * `/_sim` controls: a sandbox's `sandbox_token`, the operator token, or
 * anyone when SIM_OPEN_CONTROLS=true. A platform access token is not enough.
 */
@Injectable()
export class SimControlGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declared = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (declared?.kind !== 'sim_control') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const scope = await this.scopeOf(request.headers.authorization);
    request.simScope = scope;
    request.simPrincipal = scope.kind === 'sandbox' ? `sandbox:${scope.sandboxId}` : scope.kind === 'class' ? `class:${scope.classId}` : scope.kind;
    if (declared.classToken && scope.kind === 'sandbox') {
      throw new AppError('permission_denied', "A training class's routes take its class token (or the operator token); a sandbox token drives its own sandbox only.", { layer: 'sim_control' });
    }
    if (scope.kind === 'class') {
      // A class token drives its own class's routes, nothing else: a trainee sandbox's controls take that sandbox's token.
      const classParam = (request.params as Record<string, string> | undefined)?.class_id;
      if (!declared.classToken) {
        throw new AppError('permission_denied', "A class token drives its class's routes (/_sim/classes/{class_id}/…) only; a trainee sandbox's controls take that sandbox's own token.", { layer: 'sim_control' });
      }
      if (classParam !== undefined && parseId(classParam) !== scope.classId) {
        throw new AppError('permission_denied', 'This class token belongs to another class.', { layer: 'sim_control' });
      }
    }
    const sandboxParam = (request.params as Record<string, string> | undefined)?.sandbox_id;
    if (sandboxParam !== undefined) {
      const id = parseId(sandboxParam);
      if (id === null) throw AppError.notFound('Sandbox');
      assertSandbox(scope, id);
    }
    return true;
  }

  /** Who is driving the simulator with this Authorization header (throws 401 when nobody may). */
  async scopeOf(authorization: string | undefined): Promise<SimScope> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (token) {
      if (this.config.operatorToken && safeEqual(token, this.config.operatorToken)) return { kind: 'operator' };
      if (token.startsWith(SANDBOX_TOKEN_PREFIX)) {
        const rows: { id: number }[] = await this.db.query('SELECT id FROM sandboxes WHERE token_hash = $1', [digest(token)]);
        if (rows[0]) return { kind: 'sandbox', sandboxId: rows[0].id };
      }
      if (token.startsWith(CLASS_TOKEN_PREFIX)) {
        const rows: { id: number }[] = await this.db.query('SELECT id FROM training_classes WHERE token_hash = $1', [digest(token)]);
        if (rows[0]) return { kind: 'class', classId: rows[0].id };
      }
      if (this.config.openControls) return { kind: 'open' };
      throw new AppError('unauthenticated', 'This token cannot drive the simulator: use the sandbox_token of a sandbox (or the operator token). A platform access token is not enough.');
    }
    if (this.config.openControls) return { kind: 'open' };
    throw new AppError('unauthenticated', 'Simulator controls need Authorization: Bearer <sandbox_token> (returned when the sandbox was created).');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
