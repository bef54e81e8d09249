import { Module } from '@nestjs/common';

/** Prime contracts, commitments (with their invoices), direct costs and change orders. */
@Module({})
export class ContractsModule {}
