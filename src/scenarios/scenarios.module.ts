import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { accountLocked, removedFromProject, simultaneousEdits, toolHidden } from './catalogue/access.scenarios';
import { webhookFailure } from './catalogue/background.scenarios';
import { staleCache } from './catalogue/cache.scenarios';
import { ScenariosController } from './scenarios.controller';
import { ScenariosService } from './scenarios.service';
import { SimInbox } from './sim-inbox';

@Injectable()
class CrossCuttingScenarios implements OnModuleInit {
  constructor(
    private readonly scenarios: ScenariosService,
    private readonly inbox: SimInbox,
  ) {}

  onModuleInit(): void {
    this.scenarios.register(removedFromProject, toolHidden, staleCache, simultaneousEdits, accountLocked, webhookFailure(this.inbox));
  }
}

@Module({
  providers: [ScenariosService, SimInbox, CrossCuttingScenarios],
  controllers: [ScenariosController],
  exports: [ScenariosService],
})
export class ScenariosModule {}
