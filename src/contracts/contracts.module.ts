import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { BudgetModule } from '../budget/budget.module';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { ScenariosService } from '../scenarios/scenarios.service';
import { ChangeOrdersController } from './change-orders.controller';
import { ChangeOrdersService } from './change-orders.service';
import { CommitmentInvoicesService } from './commitment-invoices.service';
import { CommitmentsController } from './commitments.controller';
import { CommitmentsService } from './commitments.service';
import { ChangeOrderNotApprovedCause, CommitmentNotApprovedCause, ContractsCauses, InvoiceNotProcessedCause, SyncDelayBetweenToolsCause } from './contracts.causes';
import { changeOrderPending, recalculationBacklog, totalsDiffer } from './contracts.scenarios';
import { ChangeOrderPolicy, CommitmentPolicy, ContractsPolicies } from './contracts.policies';
import { DirectCostsController } from './direct-costs.controller';
import { DirectCostsService } from './direct-costs.service';
import { MoneySeed } from './money.seed';
import { PrimeContractsController } from './prime-contracts.controller';
import { PrimeContractsService } from './prime-contracts.service';

@Injectable()
class ContractsScenarios implements OnModuleInit {
  constructor(private readonly scenarios: ScenariosService) {}

  onModuleInit(): void {
    this.scenarios.register(changeOrderPending, recalculationBacklog, totalsDiffer);
  }
}

/** Prime contracts, commitments (with their invoices), direct costs and change orders: what the budget's cost and change columns sum. */
@Module({
  imports: [BudgetModule, ScenariosModule],
  providers: [
    PrimeContractsService, CommitmentsService, CommitmentInvoicesService, DirectCostsService, ChangeOrdersService, CommitmentPolicy, ChangeOrderPolicy, ContractsPolicies,
    ChangeOrderNotApprovedCause, CommitmentNotApprovedCause, InvoiceNotProcessedCause, SyncDelayBetweenToolsCause, ContractsCauses, ContractsScenarios, MoneySeed,
  ],
  controllers: [PrimeContractsController, CommitmentsController, DirectCostsController, ChangeOrdersController],
  exports: [CommitmentsService, ChangeOrdersService],
})
export class ContractsModule {}
