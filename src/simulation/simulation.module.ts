import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { CauseRegistry } from '../diagnose/causes';
import { EdgeCache } from './edge-cache';
import { StaleCacheCause } from './edge-cache.cause';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HttpFaults, JobFaults } from './faults/fault-effects';
import { FaultsController } from './faults/faults.controller';
import { FaultsService } from './faults/faults.service';

@Injectable()
class SimulationCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly stale: StaleCacheCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.stale);
  }
}

/** Faults, simulated load, the edge cache and the other knobs of `/_sim`. */
@Module({
  providers: [FaultsService, JobFaults, { provide: APP_INTERCEPTOR, useClass: HttpFaults }, EdgeCache, StaleCacheCause, SimulationCauses],
  controllers: [FaultsController],
  exports: [FaultsService, EdgeCache],
})
export class SimulationModule {}
