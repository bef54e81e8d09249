import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { linkHeader, Page } from './page';

/** Lists answer a JSON array with `Total`, `Per-Page` and `Link` headers (API.md). */
@Injectable()
export class PageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Page)) return result;
        const http = context.switchToHttp();
        const request = http.getRequest<FastifyRequest>();
        const reply = http.getResponse<FastifyReply>();
        const base = `${request.protocol}://${request.host}${request.url}`;
        void reply
          .header('Total', String(result.total))
          .header('Per-Page', String(result.perPage))
          .header('Link', linkHeader(base, result.page, result.perPage, result.total));
        return result.items;
      }),
    );
  }
}
