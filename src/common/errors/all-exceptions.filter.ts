import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Metrics } from '../../observability/metrics';
import { asOAuthAnswer, OAUTH_JSON_ROUTES } from './oauth-errors';
import { toErrorResponse } from './to-error-response';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly metrics: Metrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    let answer = toErrorResponse(exception, String(request.id));
    if (OAUTH_JSON_ROUTES.includes(request.routeOptions?.url ?? '')) answer = asOAuthAnswer(answer, exception);
    this.metrics.errors.inc({ code: answer.code });
    if (reply.sent) return;
    void reply.status(answer.status).headers(answer.headers).send(answer.body);
  }
}
