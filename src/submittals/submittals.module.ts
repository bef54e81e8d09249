import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { SubmittalPackagesService } from './submittal-packages.service';
import { SubmittalResponsesService } from './submittal-responses.service';
import { Submittal, SubmittalApprover, SubmittalDistribution, SubmittalPackage, SubmittalResponse } from './submittal.entities';
import { SubmittalPackagesController, SubmittalsController } from './submittals.controller';
import { SubmittalItemPolicy, SubmittalPolicies } from './submittals.policies';
import { SubmittalsService } from './submittals.service';

/** Submittals and packages: workflows of approvers step by step, revisions, privacy, their causes and scenarios. */
@Module({
  imports: [TypeOrmModule.forFeature([Submittal, SubmittalApprover, SubmittalDistribution, SubmittalPackage, SubmittalResponse]), ScenariosModule],
  providers: [SubmittalsService, SubmittalResponsesService, SubmittalPackagesService, SubmittalItemPolicy, SubmittalPolicies],
  controllers: [SubmittalsController, SubmittalPackagesController],
})
export class SubmittalsModule {}
