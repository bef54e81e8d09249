import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { ItemPolicy, ItemPolicyContext, ItemPolicyRegistry, ItemVerdict } from '../permissions/item-policy';
import { Rfi } from './rfi.entities';
import { RfisService } from './rfis.service';

/** rfis.view on one RFI: the privacy and draft rules (layers 8–9); lists apply the same rule in their query. */
@Injectable()
export class RfiViewPolicy implements ItemPolicy {
  readonly actions = ['rfis.view'] as const;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rfis: RfisService,
  ) {}

  async check({ itemId, subject }: ItemPolicyContext): Promise<ItemVerdict> {
    if (itemId === null || !subject.project) return { allowed: true };
    const rfi = await this.db.getRepository(Rfi).findOneBy({ id: itemId, projectId: subject.project.projectId });
    if (!rfi) return { allowed: true }; // the route answers 404
    try {
      await this.rfis.assertVisible(subject, rfi);
      return { allowed: true };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const d = err.details as { layer: 'item_role' | 'item_state'; have: unknown; need: unknown };
      return { allowed: false, layer: d.layer, message: err.message, have: d.have, need: d.need };
    }
  }
}

@Injectable()
export class RfiPolicies implements OnModuleInit {
  constructor(
    private readonly registry: ItemPolicyRegistry,
    private readonly view: RfiViewPolicy,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.view);
  }
}
