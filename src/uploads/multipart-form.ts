import { applyDecorators, CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor, SetMetadata, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { AppError } from '../common/errors';
import { actorOf, projectOf } from '../common/http/request-helpers';
import type { UploadKind } from './file-types';
import { UploadReceiver } from './upload-receiver';

/** Names of Object.prototype members, which no field has (and which must not reach a plain object as keys). */
const RESERVED_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
const FORM_DTO = 'sitesim:multipart-form-dto';
const RAW_MULTIPART = 'sitesim:multipart-raw';
const FILE_IN_MEMORY = 'sitesim:multipart-file';

/**
 * An item route that also takes `multipart/form-data` (API.md, Uploads): files
 * in the part `file` or `attachments[]` become uploads (of `kind`: its types and
 * size limit) attached to the item,
 * text parts are the fields of `dto`, the body the route takes as JSON.
 */
export function AcceptsFileParts(dto: Type, kind: UploadKind = 'attachment'): MethodDecorator {
  return applyDecorators(SetMetadata(FORM_DTO, { dto, kind }), ApiConsumes('application/json', 'multipart/form-data'));
}

/**
 * A route that takes one file whole (a CSV to import) of at most `maxBytes`
 * (`what` names the route in the refusal): sent as multipart, the part `file`
 * is read into `request.receivedFile` before the route runs.
 */
export function TakesFile(maxBytes: number, what: string): MethodDecorator {
  return applyDecorators(SetMetadata(FILE_IN_MEMORY, { maxBytes, what }), ApiConsumes('multipart/form-data'));
}

/** A route that reads the multipart stream itself (`POST .../uploads`). */
export function ReadsMultipart(): MethodDecorator {
  return applyDecorators(SetMetadata(RAW_MULTIPART, true), ApiConsumes('multipart/form-data'));
}

/**
 * The body a route's DTO validates, from the text parts of a multipart request.
 * A part holds one field of the JSON body: a string field as it is, any other
 * value as JSON (`private=true`, `assignee_ids=[3,4]`, `cost_impact={"status":"tbd"}`);
 * `name[]` repeated builds a list (`assignee_ids[]=3`, `assignee_ids[]=4`).
 * A value that is not JSON stays a string, for the DTO to refuse by name.
 */
export function formBody(fields: [string, string][], dto: Type): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const lists = new Set<string>();
  for (const [part, raw] of fields) {
    const listed = part.endsWith('[]');
    const name = listed ? part.slice(0, -2) : part;
    if (RESERVED_KEYS.has(name)) throw AppError.field(name, 'is not a known field');
    if (name in body && !(listed && lists.has(name))) {
      throw AppError.field(name, listed || lists.has(name) ? 'is sent both as `name` and as `name[]`; use one' : 'is sent more than once; repeat a part only as `name[]`');
    }
    const type: unknown = Reflect.getMetadata('design:type', dto.prototype as object, name);
    const value = listed || type !== String ? asJson(raw) : raw;
    if (listed) {
      lists.add(name);
      ((body[name] ??= []) as unknown[]).push(value);
    } else {
      body[name] = value;
    }
  }
  return body;
}

function asJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * Multipart requests, for every route: the routes marked `AcceptsFileParts`
 * get their files stored (held until the item attaches them, in its own
 * transaction) and their text parts as the body, with the new uploads added to
 * `upload_ids`. Whatever the outcome (a refused item, an idempotent replay that
 * never runs the route), the uploads still held afterwards are deleted, so a
 * request leaves no file that no item took. A `TakesFile` route gets its one
 * file in memory, stored nowhere. Any other route but `POST .../uploads`
 * refuses multipart with 400.
 */
@Injectable()
export class MultipartForm implements NestInterceptor {
  private readonly logger = new Logger(MultipartForm.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly receiver: UploadReceiver,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (context.getType() !== 'http' || !request.isMultipart?.()) return next.handle();
    if (this.reflector.get<boolean>(RAW_MULTIPART, context.getHandler())) return next.handle();
    const whole = this.reflector.get<{ maxBytes: number; what: string } | undefined>(FILE_IN_MEMORY, context.getHandler());
    if (whole) return from(this.receiveWhole(request, whole.maxBytes, whole.what)).pipe(mergeMap(() => next.handle()));
    const form = this.reflector.get<{ dto: Type; kind: UploadKind } | undefined>(FORM_DTO, context.getHandler());
    if (!form) {
      return throwError(
        () =>
          new AppError('invalid_request', 'This route takes application/json. Files go with the create or update of an RFI, reply or submittal, or to POST .../uploads.', {
            content_type: request.headers['content-type'] ?? null,
          }),
      );
    }
    return from(this.receive(request, form.dto, form.kind)).pipe(
      mergeMap((held) =>
        next.handle().pipe(
          mergeMap(async (body: unknown) => (await this.discard(held), body)),
          catchError((err: unknown) => from(this.discard(held)).pipe(mergeMap(() => throwError(() => err)))),
        ),
      ),
    );
  }

  /** Stores the files and sets the body (and its fingerprint); answers the ids of the held uploads. */
  private async receive(request: FastifyRequest, dto: Type, kind: UploadKind): Promise<number[]> {
    const auth = request.auth!;
    const form = await this.receiver.receiveForm(request, { companyId: auth.companyId, projectId: projectOf(request), kind, settings: auth.settings, actor: actorOf(request) });
    const held = form.uploads.map((u) => u.id);
    let body: Record<string, unknown>;
    try {
      body = formBody(form.fields, dto);
    } catch (err) {
      await this.discard(held);
      throw err;
    }
    // The same fields and the same files are the same request, whatever ids the new uploads got.
    request.bodyFingerprint = JSON.stringify({ fields: form.fields, files: form.uploads.map((u) => [u.fileName, u.sha256]) });
    if (held.length) body.upload_ids = body.upload_ids === undefined ? held : Array.isArray(body.upload_ids) ? [...(body.upload_ids as unknown[]), ...held] : body.upload_ids;
    request.body = body;
    return held;
  }

  /** The file of a `TakesFile` route, and its checksum as the body's fingerprint. */
  private async receiveWhole(request: FastifyRequest, maxBytes: number, what: string): Promise<void> {
    const file = await this.receiver.readFile(request, maxBytes, what);
    request.receivedFile = file;
    request.bodyFingerprint = JSON.stringify({ file: [file.fileName, createHash('sha256').update(file.bytes).digest('hex')] });
  }

  /** Deletes what is still held; a failure here is logged, never put in place of the route's own answer. */
  private async discard(held: number[]): Promise<void> {
    await this.receiver.discardHeld(held).catch((err: Error) => this.logger.warn(`held uploads ${held.join(', ')} were not deleted: ${err.message}`));
  }
}
