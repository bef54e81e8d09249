import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '../../audit/audit.service';
import { Metrics } from '../../observability/metrics';
import { AppError } from './app-error';
import { asOAuthAnswer, OAUTH_JSON_ROUTES } from './oauth-errors';
import { toErrorResponse } from './to-error-response';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly metrics: Metrics,
    private readonly audit: AuditService,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    let answer = toErrorResponse(exception, String(request.id));
    if (OAUTH_JSON_ROUTES.includes(request.routeOptions?.url ?? '')) answer = asOAuthAnswer(answer, exception);
    this.metrics.errors.inc({ code: answer.code });
    // Conflicts are evidence for diagnose ("my change didn't save").
    if (answer.code === 'edit_conflict' && request.auth) {
      void this.audit
        .record({
          companyId: request.auth.companyId,
          projectId: request.access?.projectId ?? null,
          userId: request.auth.userId,
          kind: 'edit_conflict',
          action: request.access?.decision?.action ?? null,
          detail: { route: request.routeOptions?.url ?? request.url, method: request.method, ...(exception as AppError).details },
          requestId: String(request.id),
        })
        .catch(() => undefined);
    }
    if (reply.sent) return;
    void reply.status(answer.status).headers(answer.headers).send(answer.body);
  }
}
