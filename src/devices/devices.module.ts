import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ChangeLog } from '../changes/change-log.service';
import { CauseRegistry } from '../diagnose/causes';
import { JobProcessors } from '../queues/job-processors';
import { DeviceView } from './device-view.interceptor';
import { DeviceNotSyncedCause } from './devices.causes';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';

@Injectable()
class DeviceWiring implements OnModuleInit {
  constructor(
    private readonly devices: DevicesService,
    private readonly processors: JobProcessors,
    private readonly changes: ChangeLog,
    private readonly causes: CauseRegistry,
    private readonly notSynced: DeviceNotSyncedCause,
  ) {}

  onModuleInit(): void {
    this.processors.register('sync.device', (p, job) => this.devices.sync(p.deviceId, String(job.id)));
    this.processors.register('sync.replay', (p) => this.devices.replay(p.deviceId));
    this.changes.listen({ onChanges: (m, changes) => this.devices.onChanges(m, changes) });
    this.causes.register(this.notSynced);
  }
}

/** Devices (X-Device-Id): sync deliveries, offline writes, and what a device sees. */
@Module({
  providers: [DevicesService, DeviceView, DeviceNotSyncedCause, DeviceWiring],
  controllers: [DevicesController],
  exports: [DevicesService, DeviceView],
})
export class DevicesModule {}
