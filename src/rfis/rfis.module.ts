import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { ScenariosService } from '../scenarios/scenarios.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Rfi, RfiAssignee, RfiDistribution, RfiReply } from './rfi.entities';
import { ItemInDraftCause, ResponseNotSubmittedCause, RfiCauses } from './rfis.causes';
import { RfisController } from './rfis.controller';
import { privateRfiLink, responseNotSubmitted, rfiFilteredOut, rfiInDraft } from './rfis.scenarios';
import { RfisSeed } from './rfis.seed';
import { RfiRepliesService } from './rfi-replies.service';
import { RfiPolicies, RfiRolePolicy, RfiViewPolicy } from './rfis.policies';
import { RfisService } from './rfis.service';

@Injectable()
class RfiScenarios implements OnModuleInit {
  constructor(private readonly scenarios: ScenariosService) {}

  onModuleInit(): void {
    this.scenarios.register(responseNotSubmitted, rfiFilteredOut, privateRfiLink, rfiInDraft);
  }
}

/** RFIs: drafts, opening and numbering, replies, privacy, their causes and scenarios. */
@Module({
  imports: [TypeOrmModule.forFeature([Rfi, RfiAssignee, RfiDistribution, RfiReply]), ScenariosModule],
  providers: [RfisService, RfiRepliesService, RfiViewPolicy, RfiRolePolicy, RfiPolicies, ResponseNotSubmittedCause, ItemInDraftCause, RfiCauses, RfiScenarios, RfisSeed],
  controllers: [RfisController],
  exports: [RfisService],
})
export class RfisModule {}
