import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { ScenariosService } from '../scenarios/scenarios.service';
import { BudgetImportsController } from './budget-imports.controller';
import { BudgetImportsService } from './budget-imports.service';
import { BudgetRecalc } from './budget-recalc';
import { BudgetViewsController } from './budget-views.controller';
import { BudgetViewsService } from './budget-views.service';
import { BudgetCauses, BudgetLockedCause, ColumnHiddenByPermissionCause, HiddenByBudgetViewCause, RecalculationPendingCause } from './budget.causes';
import { BudgetController } from './budget.controller';
import { BudgetLockPolicy } from './budget.policies';
import { budgetLocked } from './budget.scenarios';
import { BudgetService } from './budget.service';

@Injectable()
class BudgetScenarios implements OnModuleInit {
  constructor(private readonly scenarios: ScenariosService) {}

  onModuleInit(): void {
    this.scenarios.register(budgetLocked);
  }
}

/** The budget: line items, modifications, lock, views, its snapshot rebuilt by the recalculation job, its causes and scenarios. */
@Module({
  imports: [ScenariosModule],
  providers: [
    BudgetRecalc,
    BudgetService,
    BudgetViewsService,
    BudgetImportsService,
    BudgetLockPolicy,
    BudgetLockedCause,
    RecalculationPendingCause,
    ColumnHiddenByPermissionCause,
    HiddenByBudgetViewCause,
    BudgetCauses,
    BudgetScenarios,
  ],
  controllers: [BudgetController, BudgetViewsController, BudgetImportsController],
  exports: [BudgetRecalc, BudgetService],
})
export class BudgetModule {}
