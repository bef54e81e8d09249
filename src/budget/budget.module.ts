import { Module } from '@nestjs/common';
import { BudgetRecalc } from './budget-recalc';

/** The budget: line items, modifications, lock, views, imports, and its snapshot rebuilt by the recalculation job. */
@Module({
  providers: [BudgetRecalc],
  exports: [BudgetRecalc],
})
export class BudgetModule {}
