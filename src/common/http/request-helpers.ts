import type { FastifyRequest } from 'fastify';
import { expectedVersion } from '../../database/versioning';
import { AppError } from '../errors';

export interface Actor {
  userId: number;
  requestId: string;
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.auth) throw new Error('actorOf: request is not authenticated');
  return { userId: request.auth.userId, requestId: String(request.id) };
}

/** The version the client edits (If-Match or body `version`); required when the sandbox says so. */
export function versionOf(request: FastifyRequest, body?: { version?: number }): number | undefined {
  const header = request.headers['if-match'];
  const version = expectedVersion(Array.isArray(header) ? header[0] : header, body?.version);
  if (version === undefined && request.auth?.settings.require_if_match) {
    throw AppError.validation(
      [{ field: 'If-Match', message: 'is required in this sandbox (require_if_match): send the version you edit' }],
      'This sandbox requires If-Match on edits.',
    );
  }
  return version;
}

export function companyOf(request: FastifyRequest): number {
  if (!request.access) throw new Error('companyOf: no company context on this route');
  return request.access.companyId;
}

export function projectOf(request: FastifyRequest): number {
  const id = request.access?.projectId;
  if (id === null || id === undefined) throw new Error('projectOf: no project on this route');
  return id;
}
