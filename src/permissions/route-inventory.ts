import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Action, ruleOf } from './matrix/action-matrix';
import { ROUTE_ACCESS, RouteAccess } from './route-access';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  access: RouteAccess | undefined;
}

function join(...parts: string[]): string {
  return `/${parts.map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
}

/** Every route the app's controllers declare, with its declared access (tests, startup checks). */
export function routeTable(app: INestApplication): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!type) continue;
      const base: string | string[] = Reflect.getMetadata(PATH_METADATA, type) ?? '';
      const proto = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path: string | string[] | undefined = Reflect.getMetadata(PATH_METADATA, handler);
        const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
        if (path === undefined || method === undefined) continue;
        const access: RouteAccess | undefined = Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, type);
        for (const b of Array.isArray(base) ? base : [base]) {
          for (const p of Array.isArray(path) ? path : [path]) {
            out.push({ method: RequestMethod[method], path: join(b, p), controller: type.name, handler: name, access });
          }
        }
      }
    }
  }
  return out.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

export function describeAccess(access: RouteAccess | undefined): string {
  if (!access) return 'UNDECLARED';
  switch (access.kind) {
    case 'action':
      return `can ${access.action}${access.projectFrom === 'query' ? ' (project from query)' : ''}`;
    case 'public':
      return `public: ${access.reason}`;
    case 'sim_control':
      return access.classToken ? 'sim_control: class token' : 'sim_control';
    default:
      return access.kind;
  }
}

/**
 * Startup check: every route declares its access, and a route whose action can
 * only be settled per item (item roles, granular limits, item state) has an item
 * policy registered by its feature. A gap stops the process instead of letting
 * the guard answer a blanket denial at run time.
 */
export function assertRoutesGuarded(app: INestApplication, hasPolicy: (action: Action) => boolean): void {
  const problems: string[] = [];
  for (const route of routeTable(app)) {
    if (!route.access) {
      problems.push(`${route.method} ${route.path} (${route.controller}.${route.handler}) declares no access`);
      continue;
    }
    if (route.access.kind !== 'action') continue;
    const rule = ruleOf(route.access.action);
    if ((rule.roles || rule.refusedWhen) && !hasPolicy(route.access.action)) {
      problems.push(`${route.method} ${route.path} performs ${route.access.action}, which needs an item policy, and none is registered`);
    }
  }
  if (problems.length) throw new Error(`unguarded routes:\n  ${problems.join('\n  ')}`);
}
