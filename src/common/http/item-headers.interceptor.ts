import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';

const ITEM_LOCATION = 'sitesim:item-location';

/** Where a created item is read, given its id, when that is not `<POST path>/<id>`. */
export type ItemPath = (id: string, request: FastifyRequest) => string;

/** Declares the path that `Location` names for an item this POST creates. */
export const ItemLocation = (path: ItemPath): MethodDecorator => SetMetadata(ITEM_LOCATION, path);

/**
 * Single items answer `ETag: "<version>"`; a POST that creates (201) answers
 * `Location` with the new item's URL (`<POST path>/<id>`, or the route's `ItemLocation`).
 */
@Injectable()
export class ItemHeadersInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const status: number | undefined = this.reflector.get(HTTP_CODE_METADATA, context.getHandler());
    return next.handle().pipe(
      map((body: unknown) => {
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          const item = body as { id?: unknown; version?: unknown };
          if (typeof item.version === 'number') void reply.header('ETag', `"${item.version}"`);
          if (request.method === 'POST' && (status ?? HttpStatus.CREATED) === HttpStatus.CREATED && item.id !== undefined) {
            const declared: ItemPath | undefined = this.reflector.get(ITEM_LOCATION, context.getHandler());
            const path = declared
              ? declared(String(item.id), request)
              : `${request.url.split('?')[0].replace(/\/$/, '')}/${String(item.id)}`;
            void reply.header('Location', `${request.protocol}://${request.host}${path}`);
          }
        }
        return body;
      }),
    );
  }
}
