import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Action } from '../permissions/matrix/action-matrix';
import { ItemPolicy, ItemPolicyContext, ItemPolicyRegistry, ItemVerdict } from '../permissions/item-policy';
import { BudgetService } from './budget.service';

/**
 * PERMISSIONS.md: line item writes and imports are refused with 423
 * `budget_locked` while the budget is locked, whoever asks (the service checks
 * again under the budget row's lock).
 */
@Injectable()
export class BudgetLockPolicy implements ItemPolicy, OnModuleInit {
  readonly actions: readonly Action[] = ['budget.create_line_item', 'budget.edit_original_amount', 'budget.delete_line_item', 'budget.import'];

  constructor(
    private readonly budget: BudgetService,
    private readonly registry: ItemPolicyRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async check({ subject, decision }: ItemPolicyContext): Promise<ItemVerdict> {
    if (!subject.project) return { allowed: true };
    const lock = await this.budget.lockOf(subject.project.projectId);
    if (!lock.locked) return { allowed: true };
    return {
      allowed: false,
      layer: 'item_state',
      code: 'budget_locked',
      message: `The budget is locked (since ${lock.locked_at}): you may not ${decision.rule.does} until an Admin unlocks it. Budget modifications are still allowed.`,
      have: 'locked',
      need: 'unlocked',
    };
  }
}
