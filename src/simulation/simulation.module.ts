import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { CauseRegistry } from '../diagnose/causes';
import { EdgeCache } from './edge-cache';
import { LoadController } from './load.controller';
import { LoadService } from './load.service';
import { StaleCacheCause } from './edge-cache.cause';
import { SystemLoadCause } from './load.cause';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HttpFaults, JobFaults } from './faults/fault-effects';
import { FaultsController } from './faults/faults.controller';
import { FaultsService } from './faults/faults.service';
import { ActivityController } from './activity/activity.controller';
import { ActivityService } from './activity/activity.service';

@Injectable()
class SimulationCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly stale: StaleCacheCause,
    private readonly load: SystemLoadCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.stale, this.load);
  }
}

/** Faults, simulated load, the edge cache and the other knobs of `/_sim`. */
@Module({
  providers: [FaultsService, LoadService, ActivityService, JobFaults, { provide: APP_INTERCEPTOR, useClass: HttpFaults }, EdgeCache, StaleCacheCause, SystemLoadCause, SimulationCauses],
  controllers: [FaultsController, LoadController, ActivityController],
  exports: [FaultsService, EdgeCache, LoadService],
})
export class SimulationModule {}
