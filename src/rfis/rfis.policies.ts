import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AccessSubject } from '../permissions/access-subject';
import { ItemPolicy, ItemPolicyContext, ItemPolicyRegistry, ItemVerdict, refusalAsVerdict, roleVerdict } from '../permissions/item-policy';
import { Rfi } from './rfi.entities';
import { RfisService } from './rfis.service';

/** The privacy and draft rules as a verdict (the refusal the service would raise, as the guard reports it). */
const visibility = (rfis: RfisService, subject: AccessSubject, rfi: Rfi): Promise<ItemVerdict> => refusalAsVerdict(() => rfis.assertVisible(subject, rfi));

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
    return visibility(this.rfis, subject, rfi);
  }
}

/**
 * Item roles for replies, closing and reopening (layer 8): Admins pass; others
 * must be the RFI's assignee or manager as the matrix row says, and must see it.
 */
@Injectable()
export class RfiRolePolicy implements ItemPolicy {
  readonly actions = ['rfis.respond', 'rfis.close', 'rfis.reopen', 'rfis.mark_official', 'rfis.edit'] as const;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rfis: RfisService,
  ) {}

  async check({ itemId, subject, decision }: ItemPolicyContext): Promise<ItemVerdict> {
    if (itemId === null || !subject.project) return { allowed: true };
    const rfi = await this.db.getRepository(Rfi).findOneBy({ id: itemId, projectId: subject.project.projectId });
    if (!rfi) return { allowed: true }; // the route answers 404
    const seen = await visibility(this.rfis, subject, rfi);
    if (!seen.allowed) return seen;
    if (decision.outcome === 'allowed') return { allowed: true };
    const roles: string[] = [];
    if (rfi.rfiManagerId === subject.userId) roles.push('rfi_manager');
    if (rfi.createdById === subject.userId) roles.push('creator');
    const [assignee] = await this.db.query('SELECT 1 FROM rfi_assignees WHERE rfi_id = $1 AND user_id = $2', [rfi.id, subject.userId]);
    if (assignee) roles.push('assignee');
    return roleVerdict(decision, roles, rfi.status, 'RFI', `RFI #${rfi.number ?? rfi.id}`);
  }
}

@Injectable()
export class RfiPolicies implements OnModuleInit {
  constructor(
    private readonly registry: ItemPolicyRegistry,
    private readonly view: RfiViewPolicy,
    private readonly roles: RfiRolePolicy,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.view);
    this.registry.register(this.roles);
  }
}
