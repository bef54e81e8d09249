import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppError } from '../common/errors';
import { ItemPolicy, ItemPolicyContext, ItemPolicyRegistry, ItemVerdict, roleVerdict } from '../permissions/item-policy';
import { MarkupRow, MarkupsService } from './markups.service';

/** Markups (layer 8): below Admin, a user deletes only the markups they drew. */
@Injectable()
export class MarkupPolicy implements ItemPolicy, OnModuleInit {
  readonly actions = ['drawings.delete_markup'] as const;

  constructor(
    private readonly registry: ItemPolicyRegistry,
    private readonly markups: MarkupsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async check({ itemId, subject, decision, params }: ItemPolicyContext): Promise<ItemVerdict> {
    if (itemId === null || !subject.project || decision.outcome === 'allowed') return { allowed: true };
    let row: MarkupRow;
    try {
      row = await this.markups.visibleRow(subject, Number(params.drawing_revision_id) || null, itemId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return { allowed: true }; // the route answers 404
      throw err;
    }
    return roleVerdict(decision, row.created_by_id === subject.userId ? ['creator'] : [], row.layer, 'markup', `markup #${row.id}`);
  }
}
