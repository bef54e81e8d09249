import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ItemPolicy, ItemPolicyContext, ItemPolicyRegistry, ItemVerdict, refusalAsVerdict, roleVerdict } from '../permissions/item-policy';
import { notInCourt } from './submittal-responses.service';
import { Submittal } from './submittal.entities';
import { SubmittalsService } from './submittals.service';

const label = (s: Submittal) => `Submittal #${s.number}${s.revision ? ` rev ${s.revision}` : ''}`;

/**
 * Every submittal action on one submittal: the caller must see it (privacy and
 * drafts, layer 9), then item roles settle what the matrix left pending
 * (layer 8): the creator edits their own draft and submits it; only the
 * ball-in-court approver of the current step responds, whatever their level.
 */
@Injectable()
export class SubmittalItemPolicy implements ItemPolicy {
  readonly actions = ['submittals.view', 'submittals.edit', 'submittals.submit', 'submittals.respond'] as const;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly submittals: SubmittalsService,
  ) {}

  async check({ itemId, subject, decision }: ItemPolicyContext): Promise<ItemVerdict> {
    if (itemId === null || !subject.project) return { allowed: true };
    const s = await this.db.getRepository(Submittal).findOneBy({ id: itemId, projectId: subject.project.projectId });
    if (!s) return { allowed: true }; // the route answers 404
    const seen = await refusalAsVerdict(() => this.submittals.assertVisible(subject, s));
    if (!seen.allowed || decision.outcome === 'allowed') return seen;
    if (decision.action === 'submittals.respond') {
      // A submittal not in review refuses every response with invalid_transition (the service says which state it is in).
      if (s.status !== 'open' || s.workflowState !== 'in_review') return { allowed: true };
      const why = await notInCourt(this.db.manager, s, subject.userId);
      return why ? { allowed: false, layer: 'item_role', ...why } : { allowed: true, detail: `as a ball-in-court approver at step ${s.currentStep}` };
    }
    const roles: string[] = [];
    if (s.createdById === subject.userId) roles.push('creator');
    if (s.submittalManagerId === subject.userId) roles.push('submittal_manager');
    return roleVerdict(decision, roles, s.status, 'submittal', label(s));
  }
}

@Injectable()
export class SubmittalPolicies implements OnModuleInit {
  constructor(
    private readonly registry: ItemPolicyRegistry,
    private readonly policy: SubmittalItemPolicy,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.policy);
  }
}
