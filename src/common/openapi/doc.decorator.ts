import { SetMetadata } from '@nestjs/common';
import type { TObject, TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../errors/error-codes';
import type { ListSpec } from '../pagination/list-query';

export const API_DOC = 'sitesim:api-doc';

/** What a success answer carries. */
export interface DocAnswer {
  /** Default: 201 for a POST that creates, 204 for a DELETE, else 200 (the handler's `@HttpCode` must agree). */
  status?: number;
  description: string;
  /** The JSON body; for a list, the schema of one item (the body is an array of them). Omit for no body. */
  schema?: TSchema;
  /** A body that is not JSON. */
  media?: 'text/html' | 'text/plain' | 'binary';
  /** For `binary`: the content types it may answer (default `application/octet-stream`). */
  types?: string[];
  /** Response headers beyond those every answer of its kind has. */
  headers?: Record<string, { description: string; schema?: TSchema }>;
}

export interface DocQueryParam {
  schema: TSchema;
  description: string;
  required?: boolean;
}

export interface DocOptions {
  summary: string;
  /** What the operation does, beyond the summary; the permission rule is added to it. */
  description?: string;
  /** The success answer (for a list: `list` below makes it an array with pagination headers). */
  ok: DocAnswer;
  /** Further answers that are not errors (a 202 accepted offline, a 302 redirect). */
  also?: DocAnswer[];
  /** `page`, `per_page`, `sort` and `filters[...]` as this list spec reads them, and an array answer. */
  list?: ListSpec;
  /** Path parameters that are not integer ids (by name; the others are typed from the path). */
  params?: Record<string, DocQueryParam>;
  /** Query parameters (other than a list's). */
  query?: Record<string, DocQueryParam>;
  /** Request headers beyond those the route's kind implies. */
  headers?: Record<string, DocQueryParam>;
  /** Error codes this operation answers beyond those implied by its access, path, method and body. */
  errors?: ErrorCode[];
  /**
   * The request body, when it is not a validated DTO class (which describes
   * itself): one schema for each of `media`, or `content`, a schema per media
   * type when they differ (a file as a multipart part or as the body itself).
   */
  body?: { schema: TSchema; required?: boolean; media?: string[] } | { content: Record<string, TSchema>; required?: boolean };
  /**
   * For a route that takes its DTO as JSON or as `multipart/form-data`: the
   * parts the form has beside the DTO's fields (its files). The form's schema
   * is the DTO's fields (a non-string one as a JSON part) with these.
   */
  form?: TObject;
}

/**
 * The contract of one operation: its summary, parameters, answers and errors.
 * The document builder (`build-document.ts`) turns it into OpenAPI, adding what
 * the route's access, path and method imply, so that each error a route can
 * answer is declared once, where it arises.
 */
export const Doc = (options: DocOptions): MethodDecorator => SetMetadata(API_DOC, options);
