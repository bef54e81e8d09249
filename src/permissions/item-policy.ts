import { Injectable } from '@nestjs/common';
import type { ErrorCode } from '../common/errors';
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
