import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HttpFaults, JobFaults } from './faults/fault-effects';
import { FaultsController } from './faults/faults.controller';
import { FaultsService } from './faults/faults.service';

/** Faults, simulated load and the other knobs of `/_sim`. */
@Module({
  providers: [FaultsService, JobFaults, { provide: APP_INTERCEPTOR, useClass: HttpFaults }],
  controllers: [FaultsController],
  exports: [FaultsService],
})
export class SimulationModule {}
