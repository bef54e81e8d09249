import { Module } from '@nestjs/common';
import { BudgetRecalc } from './budget-recalc';
import { BudgetController } from './budget.controller';
import { BudgetLockPolicy } from './budget.policies';
import { BudgetService } from './budget.service';

/** The budget: line items, modifications, lock, and its snapshot rebuilt by the recalculation job. */
@Module({
  providers: [BudgetRecalc, BudgetService, BudgetLockPolicy],
  controllers: [BudgetController],
  exports: [BudgetRecalc, BudgetService],
})
export class BudgetModule {}
