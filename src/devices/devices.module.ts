import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ChangeLog } from '../changes/change-log.service';
import { CauseRegistry } from '../diagnose/causes';
import { JobProcessors } from '../queues/job-processors';
import { DeviceForms } from './device-forms';
import { DeviceNetwork } from './device-network.service';
import { DeviceView } from './device-view.interceptor';
import { DeviceWrites } from './device-writes.service';
import { DeviceNotSyncedCause, WeakConnectionCause } from './devices.causes';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';

@Injectable()
class DeviceWiring implements OnModuleInit {
  constructor(
    private readonly devices: DevicesService,
    private readonly writes: DeviceWrites,
    private readonly processors: JobProcessors,
    private readonly changes: ChangeLog,
    private readonly causes: CauseRegistry,
    private readonly notSynced: DeviceNotSyncedCause,
    private readonly weakConnection: WeakConnectionCause,
  ) {}

  onModuleInit(): void {
    this.processors.register('sync.device', (p, job) => this.devices.sync(p.deviceId, String(job.id)));
    this.processors.register('sync.replay', (p) => this.writes.replay(p.deviceId));
    this.changes.listen({ onChanges: (m, changes) => this.devices.onChanges(m, changes) });
    this.causes.register(this.notSynced, this.weakConnection);
  }
}

/** Devices (X-Device-Id): sync deliveries, offline writes (photos too), their simulated network, and what a device sees. */
@Module({
  providers: [DevicesService, DeviceWrites, DeviceForms, DeviceNetwork, DeviceView, DeviceNotSyncedCause, WeakConnectionCause, DeviceWiring],
  controllers: [DevicesController],
  exports: [DevicesService, DeviceWrites, DeviceNetwork, DeviceView],
})
export class DevicesModule {}
