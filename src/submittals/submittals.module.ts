import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { ScenariosService } from '../scenarios/scenarios.service';
import { SubmittalPackagesService } from './submittal-packages.service';
import { SubmittalResponsesService } from './submittal-responses.service';
import { Submittal, SubmittalApprover, SubmittalDistribution, SubmittalPackage, SubmittalResponse } from './submittal.entities';
import { SubmittalPackagesController, SubmittalsController } from './submittals.controller';
import { SubmittalCauses, WorkflowStepIncompleteCause } from './submittals.causes';
import { SubmittalItemPolicy, SubmittalPolicies } from './submittals.policies';
import { submittalAttachmentProcessing, submittalStepIncomplete } from './submittals.scenarios';
import { SubmittalsSeed } from './submittals.seed';
import { SubmittalsService } from './submittals.service';

@Injectable()
class SubmittalScenarios implements OnModuleInit {
  constructor(private readonly scenarios: ScenariosService) {}

  onModuleInit(): void {
    this.scenarios.register(submittalStepIncomplete, submittalAttachmentProcessing);
  }
}

/** Submittals and packages: workflows of approvers step by step, revisions, privacy, their causes and scenarios. */
@Module({
  imports: [TypeOrmModule.forFeature([Submittal, SubmittalApprover, SubmittalDistribution, SubmittalPackage, SubmittalResponse]), ScenariosModule],
  providers: [SubmittalsService, SubmittalResponsesService, SubmittalPackagesService, SubmittalItemPolicy, SubmittalPolicies, WorkflowStepIncompleteCause, SubmittalCauses, SubmittalScenarios, SubmittalsSeed],
  controllers: [SubmittalsController, SubmittalPackagesController],
})
export class SubmittalsModule {}
