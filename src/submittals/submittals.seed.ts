import { Injectable, OnModuleInit } from '@nestjs/common';
import { addBusinessDays } from '../common/dates';
import { SeedContext, SeedRegistry } from '../sandboxes/seed-registry';
import { Submittal, SubmittalApprover, SubmittalPackage, SubmittalResponse } from './submittal.entities';

/**
 * The training submittals: steel shop drawings in a two-step workflow, the
 * owner's representative approved at step 1 while the architect is still in
 * court; and a subcontractor's fixture cut sheets in the Division 26 package, a
 * private draft waiting for the project manager to submit it.
 */
@Injectable()
export class SubmittalsSeed implements OnModuleInit {
  constructor(private readonly registry: SeedRegistry) {}

  onModuleInit(): void {
    this.registry.register({ name: 'submittals', order: 25, templates: ['training'], run: (ctx) => this.seed(ctx) });
  }

  private async seed(ctx: SeedContext): Promise<void> {
    const m = ctx.manager;
    const projectId = ctx.idOf('projects', 'first');
    const person = (key: string) => ctx.idOf('personas', key);
    const now = ctx.now;
    const pkg = await ctx.insert(SubmittalPackage, 'submittal_packages', 'electrical', {
      companyId: ctx.companyId,
      projectId,
      number: 1,
      title: 'Division 26 — Electrical',
      description: 'Lighting and power submittals.',
      createdById: person('gc_project_manager'),
    });
    const steel = await ctx.insert(Submittal, 'submittals', 'steel', {
      companyId: ctx.companyId,
      projectId,
      number: 1,
      revision: 0,
      title: 'Structural steel shop drawings',
      description: 'Shop drawings for levels 1–3 framing, sheets SD-1 to SD-24.',
      status: 'open',
      private: false,
      submittalManagerId: person('gc_project_manager'),
      createdById: person('gc_project_manager'),
      receivedFromId: person('gc_project_manager'),
      dueDate: addBusinessDays(now, 10),
      workflowState: 'in_review',
      currentStep: 1,
      ballInCourtRole: 'Approvers',
      submittedAt: now,
    });
    const approver = async (key: string, submittalId: number, step: number, who: string) =>
      ctx.insert(SubmittalApprover, 'submittal_approvers', key, { submittalId, step, userId: person(who), required: true });
    await approver('steel_architect', steel.id, 1, 'architect');
    const owner = await approver('steel_owner', steel.id, 1, 'owner_rep');
    await approver('steel_superintendent', steel.id, 2, 'superintendent');
    await ctx.insert(SubmittalResponse, 'submittal_responses', 'steel_owner', {
      submittalId: steel.id,
      approverId: owner.id,
      response: 'approved',
      comment: 'Finishes acceptable.',
      draft: false,
      createdById: person('owner_rep'),
      respondedAt: now,
    });
    const fixtures = await ctx.insert(Submittal, 'submittals', 'fixtures', {
      companyId: ctx.companyId,
      projectId,
      number: 2,
      revision: 0,
      title: 'Light fixture cut sheets',
      description: 'Fixture types A to F, with photometrics.',
      status: 'draft',
      private: true,
      submittalManagerId: person('gc_project_manager'),
      createdById: person('subcontractor'),
      receivedFromId: person('subcontractor'),
      responsibleContractorId: ctx.idOf('vendors', 'electrical'),
      packageId: pkg.id,
      workflowState: 'not_started',
      ballInCourtRole: 'Submittal Manager',
    });
    await approver('fixtures_architect', fixtures.id, 1, 'architect');
    await m.query(
      `INSERT INTO submittal_counters (project_id, last_submittal, last_package) VALUES ($1, 2, 1)
       ON CONFLICT (project_id) DO UPDATE SET last_submittal = 2, last_package = 1`,
      [projectId],
    );
  }
}
