import { Module } from '@nestjs/common';
import { BudgetModule } from '../budget/budget.module';
import { ChangeOrdersController } from './change-orders.controller';
import { ChangeOrdersService } from './change-orders.service';
import { CommitmentInvoicesService } from './commitment-invoices.service';
import { CommitmentsController } from './commitments.controller';
import { CommitmentsService } from './commitments.service';
import { ChangeOrderPolicy, CommitmentPolicy, ContractsPolicies } from './contracts.policies';
import { DirectCostsController } from './direct-costs.controller';
import { DirectCostsService } from './direct-costs.service';
import { PrimeContractsController } from './prime-contracts.controller';
import { PrimeContractsService } from './prime-contracts.service';

/** Prime contracts, commitments (with their invoices), direct costs and change orders: what the budget's cost and change columns sum. */
@Module({
  imports: [BudgetModule],
  providers: [PrimeContractsService, CommitmentsService, CommitmentInvoicesService, DirectCostsService, ChangeOrdersService, CommitmentPolicy, ChangeOrderPolicy, ContractsPolicies],
  controllers: [PrimeContractsController, CommitmentsController, DirectCostsController, ChangeOrdersController],
  exports: [CommitmentsService, ChangeOrdersService],
})
export class ContractsModule {}
