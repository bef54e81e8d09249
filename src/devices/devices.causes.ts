import { Injectable } from '@nestjs/common';
import { CauseDetector, DiagnoseContext, Finding } from '../diagnose/causes';
import { recency, userRef } from '../diagnose/evidence';
import { describeNetwork, NetworkConditions } from './device-network';
import { DeviceNetwork } from './device-network.service';
import { DevicesService } from './devices.service';

type Found = Omit<Finding, 'cause'>;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * A device has not received changes yet (offline, or its sync delivery is
 * still queued), or an offline device holds writes others are waiting for:
 * photos taken without signal are not in the project until it is back online.
 */
@Injectable()
export class DeviceNotSyncedCause implements CauseDetector {
  readonly cause = 'device_not_synced' as const;
  readonly symptoms = ['not_updating', 'not_visible', 'not_uploading'] as const;

  constructor(private readonly devices: DevicesService) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    const all = await this.devices.describe(ctx.companyId);
    const behind = all.filter(
      (d) => (ctx.userId === null || d.user_id === ctx.userId) && ((d.changes_not_seen as number) > 0 || (d.queued_writes as number) > 0 || !d.online),
    );
    const out: Found[] = [];
    for (const d of behind) {
      const photos = d.queued_photos as number;
      const held = photos ? `its ${plural(d.queued_writes as number, 'queued write')}, ${plural(photos, 'photo')} among them, are then applied in order; others see the photos once they are processed` : `its ${d.queued_writes} queued write(s) are then applied in order`;
      out.push({
        tool: photos ? 'photos' : null,
        item: null,
        user: await userRef(ctx.db, d.user_id as number),
        evidence: d,
        fix: d.online
          ? [`Wait for the device's sync, or sync it now: POST /_sim/devices/${d.id}/actions/sync`]
          : [`Bring the device online: POST /_sim/devices/${d.id}/actions/go_online (${held})`, ...(photos ? ['Wait for the replay and the photos\' processing: POST /_sim/settle (with the sandbox token: every job of the sandbox)'] : [])],
        weight: d.online ? 75 : 92,
      });
    }
    // Someone else's offline device holding writes to this project: what they did there is not in the project yet.
    if (ctx.userId !== null) {
      for (const h of await this.devices.holding(ctx.companyId, ctx.projectId)) {
        if (h.user_id === ctx.userId || h.online) continue;
        const owner = await userRef(ctx.db, h.user_id);
        const what = h.photos ? `${plural(h.photos, 'photo')} (in ${plural(h.writes, 'queued write')})` : plural(h.writes, 'queued write');
        out.push({
          tool: h.photos ? 'photos' : null,
          item: null,
          user: owner,
          evidence: { id: h.device_key, user_id: h.user_id, online: false, queued_writes: h.writes, queued_photos: h.photos, held_for_project_id: ctx.projectId },
          fix: [
            `Device ${h.device_key} of ${owner?.name ?? `user ${h.user_id}`} is offline and still holds ${what}: bring it online, POST /_sim/devices/${h.device_key}/actions/go_online (they are then sent in order, with the upload checks of that moment)`,
            'Then wait for them to be sent and processed: POST /_sim/settle (with the sandbox token: the replay and the uploads\' processing)',
          ],
          weight: h.photos ? 91 : 80,
        });
      }
    }
    return out;
  }
}

/**
 * A device on a weak network (`POST /_sim/devices/{id}/network`) whose
 * answers time out: small ones (a sheet's record) arrive while large ones (a
 * list of markups, a photo) cannot within its timeout.
 */
@Injectable()
export class WeakConnectionCause implements CauseDetector {
  readonly cause = 'weak_connection' as const;
  readonly symptoms = ['not_loading', 'not_visible', 'not_updating'] as const;

  constructor(private readonly network: DeviceNetwork) {}

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    const devices: { id: number; device_key: string; user_id: number; network: NetworkConditions; network_generation: number }[] = await ctx.db.query(
      `SELECT id, device_key, user_id, network, network_generation FROM devices
        WHERE company_id = $1 AND network IS NOT NULL AND ($2::int IS NULL OR user_id = $2) ORDER BY id`,
      [ctx.companyId, ctx.userId],
    );
    const out: Found[] = [];
    for (const d of devices) {
      const inProject = (url: string) => ctx.projectId === null || !/\/projects\/\d+/.test(url) || new RegExp(`/projects/${ctx.projectId}(/|\\?|$)`).test(url);
      const timeouts = (await this.network.timeouts(d.id, d.network_generation, ctx.since, 50)).filter((t) => inProject(t.url));
      if (!timeouts.length) continue;
      const largest = Math.max(...timeouts.map((t) => t.response_bytes ?? 0));
      out.push({
        tool: null,
        item: null,
        user: await userRef(ctx.db, d.user_id),
        evidence: {
          device_id: d.device_key,
          network: d.network,
          timed_out: timeouts.length,
          requests: timeouts.slice(0, 10).map((t) => ({ method: t.method, url: t.url, response_bytes: t.response_bytes, needed_ms: t.needed_ms, timeout_ms: t.timeout_ms, at: t.at })),
          largest_lost_bytes: largest || null,
        },
        fix: [
          `Move device ${d.device_key} to better signal (Wi-Fi, or outside the structure) and reload: on its ${describeNetwork(d.network)} network ${largest ? `a ${Math.round(largest / 1024)} KiB answer` : 'the answer'} cannot arrive within its timeout, while small ones (a sheet's record) still do.`,
          `Reset the device's simulated network: POST /_sim/devices/${d.device_key}/network {"profile": "normal"} (or a better one, such as {"profile": "jobsite_lte"})`,
          'Ask for less per request where the API allows it (a smaller per_page), so each answer fits within the timeout.',
        ],
        weight: 86 + 4 * recency(new Date(timeouts[0].at), ctx),
      });
    }
    return out;
  }
}
