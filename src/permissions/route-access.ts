import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import { Action, ruleOf } from './matrix/action-matrix';
import { isCompanyTool } from './resolver';

/**
 * How a route is protected. Every route declares exactly one of these; a test
 * fails when one does not.
 */
export type RouteAccess =
  | { kind: 'public'; reason: string }
  | { kind: 'authenticated' }
  | { kind: 'company_member' }
  | { kind: 'project_member' }
  | { kind: 'sim_control'; classToken?: true }
  | { kind: 'action'; action: Action; projectFrom: 'param' | 'query' | null; item?: string };

export const ROUTE_ACCESS = 'sitesim:route-access';

const companyHeader = ApiHeader({ name: 'Procore-Company-Id', required: true, description: 'The company the request acts in.' });

/** A deliberately public route (OAuth, health, docs); the reason is kept for review. */
export const Public = (reason: string): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ACCESS, { kind: 'public', reason } satisfies RouteAccess);

/** Any signed-in user, no company context (e.g. `/me`). */
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'authenticated' } satisfies RouteAccess), ApiBearerAuth());

/** Any user in the company named by `Procore-Company-Id` (layers 1–2). */
export const CompanyMember = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'company_member' } satisfies RouteAccess), ApiBearerAuth(), companyHeader);

/**
 * Any active member of the project named by the `project_id` route param (layers
 * 1–4; a Company Directory Admin too), whatever their tools: for what belongs to
 * no single tool, such as a file uploaded before it is attached to an item.
 */
export const ProjectMember = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'project_member' } satisfies RouteAccess), ApiBearerAuth(), companyHeader);

/**
 * Simulator controls: sandbox token, operator token, or open controls. With
 * `classToken` (a training class's routes): the class's token, the operator
 * token or open controls, and not a sandbox token.
 */
export const SimControl = (options: { classToken?: true } = {}): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'sim_control', ...options } satisfies RouteAccess), ApiBearerAuth());

export interface CanOptions {
  /** Where the project id comes from for project tools (default: the `project_id` route param). */
  projectFrom?: 'param' | 'query';
  /** Route param naming the item the action is on, for item policies. */
  item?: string;
}

/** The matrix action this route performs; the permission guard decides. */
export function Can(action: Action, options: CanOptions = {}): MethodDecorator {
  const projectFrom = isCompanyTool(ruleOf(action).tool) ? null : (options.projectFrom ?? 'param');
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'action', action, projectFrom, item: options.item } satisfies RouteAccess),
    ApiBearerAuth(),
    companyHeader,
  );
}
