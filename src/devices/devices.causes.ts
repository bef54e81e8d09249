import { Injectable } from '@nestjs/common';
import { CauseDetector, DiagnoseContext, Finding } from '../diagnose/causes';
import { userRef } from '../diagnose/evidence';
import { DevicesService } from './devices.service';

/** A device has not received changes yet: offline, or its sync delivery is still queued. */
@Injectable()
export class DeviceNotSyncedCause implements CauseDetector {
  readonly cause = 'device_not_synced' as const;
  readonly symptoms = ['not_updating', 'not_visible', 'not_uploading'] as const;

  constructor(private readonly devices: DevicesService) {}

  async detect(ctx: DiagnoseContext): Promise<Omit<Finding, 'cause'>[]> {
    const all = await this.devices.describe(ctx.companyId);
    const behind = all.filter(
      (d) => (ctx.userId === null || d.user_id === ctx.userId) && ((d.changes_not_seen as number) > 0 || (d.queued_writes as number) > 0 || !d.online),
    );
    const out: Omit<Finding, 'cause'>[] = [];
    for (const d of behind) {
      out.push({
        tool: null,
        item: null,
        user: await userRef(ctx.db, d.user_id as number),
        evidence: d,
        fix: d.online
          ? [`Wait for the device's sync, or sync it now: POST /_sim/devices/${d.id}/actions/sync`]
          : [`Bring the device online: POST /_sim/devices/${d.id}/actions/go_online (its ${d.queued_writes} queued write(s) are then applied in order)`],
        weight: d.online ? 75 : 92,
      });
    }
    return out;
  }
}
