import { Injectable } from '@nestjs/common';
import { AppError, type ErrorCode } from '../common/errors';
import type { AuthContext } from '../common/http/request-context';
import type { AccessSubject } from './access-subject';
import type { Action } from './matrix/action-matrix';
import type { Layer } from './permission.types';
import type { Decision } from './resolver';

export interface ItemPolicyContext {
  decision: Decision;
  subject: AccessSubject;
  auth: AuthContext;
  /** The item named by the route's `item` param, when the route declares one. */
  itemId: number | null;
  params: Record<string, string>;
  body: unknown;
}

export type ItemVerdict =
  | { allowed: true; detail?: string }
  | {
      allowed: false;
      layer: Extract<Layer, 'item_role' | 'item_state' | 'granular'>;
      code?: ErrorCode;
      message: string;
      have: unknown;
      need: unknown;
    };

/**
 * Layers 8 and 9 for one or more actions: item roles, privacy, item state and
 * the limits of granular grants. Feature modules supply these; the permission
 * guard calls the one registered for the route's action after the matrix
 * decision (always when the decision is `pending`).
 */
export interface ItemPolicy {
  readonly actions: readonly Action[];
  check(context: ItemPolicyContext): Promise<ItemVerdict>;
}

@Injectable()
export class ItemPolicyRegistry {
  private readonly policies = new Map<Action, ItemPolicy>();

  register(policy: ItemPolicy): void {
    for (const action of policy.actions) {
      if (this.policies.has(action)) throw new Error(`two item policies for ${action}`);
      this.policies.set(action, policy);
    }
  }

  get(action: Action): ItemPolicy | undefined {
    return this.policies.get(action);
  }

  has(action: Action): boolean {
    return this.policies.has(action);
  }
}

/**
 * Settles a `pending` decision from the roles the caller holds on the item:
 * allowed when one of them is a role the rule names (and the item is in the
 * rule's `onlyWhen` state); otherwise the item_role or item_state refusal.
 * `label` names the item in messages ("RFI #3"), `kind` its type ("RFI").
 */
export function roleVerdict(decision: Decision, held: readonly string[], state: string, kind: string, label: string): ItemVerdict {
  const rule = decision.rule;
  const onlyWhen = rule.roles?.onlyWhen;
  const alternatives = rule.level === 'admin' ? 'Admins or ' : '';
  if (decision.roles.some((r) => held.includes(r))) {
    if (onlyWhen && state !== onlyWhen) {
      return {
        allowed: false,
        layer: 'item_state',
        message: `As its ${decision.roles.join(' or ')} you may ${rule.does} only while it is a ${onlyWhen}; ${label} is ${state}.${alternatives ? ` An Admin on ${kind}s can.` : ''}`,
        have: state,
        need: onlyWhen,
      };
    }
    return { allowed: true, detail: `as the ${kind}'s ${held.join(' and ')}` };
  }
  return {
    allowed: false,
    layer: 'item_role',
    message: `Only ${alternatives}the ${kind}'s ${decision.roles.join(' or ')} may ${rule.does}; you are not ${decision.roles.length > 1 ? 'one of them' : 'it'} on ${label}.`,
    have: held.length ? held : `no role on this ${kind}`,
    need: decision.roles,
  };
}

/** Runs a service's own refusal (a 403 AppError naming its layer) and answers it as a verdict for the guard. */
export async function refusalAsVerdict(check: () => Promise<void>): Promise<ItemVerdict> {
  try {
    await check();
    return { allowed: true };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'permission_denied') throw err;
    const d = err.details as { layer: 'item_role' | 'item_state'; have: unknown; need: unknown };
    return { allowed: false, layer: d.layer, message: err.message, have: d.have, need: d.need };
  }
}
