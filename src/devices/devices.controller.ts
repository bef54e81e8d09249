import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf } from '../common/openapi/schema';
import { SimControl } from '../permissions/route-access';
import type { SimScope } from '../sandboxes/sim-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { DeviceNetwork } from './device-network.service';
import { DeviceWrites } from './device-writes.service';
import { Device, DeviceKey, DeviceNetworkState, DeviceWrite, SetNetworkRequest } from './devices.schemas';
import { DevicesService } from './devices.service';

const DEVICE_PARAM = {
  device_id: { schema: DeviceKey, description: 'The device key, as sent in `X-Device-Id` (every device with this key: one per user that used it)' },
};
const SCOPE = "A sandbox token reaches its own sandbox's devices only; the operator (or open controls) every sandbox's.";
const DEVICES = (what: string) => ({ description: what, schema: ArrayOf(Device) });
const DEVICES200 = (what: string) => ({ status: 200, ...DEVICES(what) });

@ApiTags('Simulator: devices')
@Controller('_sim/devices')
@SimControl()
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly deviceWrites: DeviceWrites,
    private readonly network: DeviceNetwork,
    private readonly scopes: SimScopes,
  ) {}

  @Get()
  @Doc({
    summary: 'List devices',
    description: `Every device that has made a request with \`X-Device-Id\`: online or not, when it last synced, how many changes it has not seen, and how many of its offline writes wait or conflicted. ${SCOPE}`,
    ok: DEVICES('The devices, oldest first'),
  })
  async list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.devices.describe(await this.company(req.simScope));
  }

  @Get(':device_id/writes')
  @Doc({
    summary: "List a device's offline writes",
    description: `The writes the device made while offline, in order: queued, or applied with the status and body they answered (a 409 is kept as a conflict, a refusal such as a 403 or a photo over the sandbox's size limit as refused: not lost), with the files of photos taken offline. A key no device has used answers an empty list. ${SCOPE}`,
    params: DEVICE_PARAM,
    ok: { description: 'The writes, oldest first', schema: ArrayOf(DeviceWrite) },
  })
  async writes(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.deviceWrites.writes(await this.company(req.simScope), this.key(key));
  }

  @Post(':device_id/actions/go_offline')
  @HttpCode(200)
  @Doc({
    summary: 'Take a device offline',
    description: `From now on the device's writes under \`/rest\` are kept on it (202, \`X-Queued-Offline: true\`) instead of running, and it reads what it last synced. Photos (multipart \`POST .../images\`) are kept with their files, up to 64 MiB each; other multipart writes answer 400. A key no device has used answers 404. ${SCOPE}`,
    params: DEVICE_PARAM,
    ok: DEVICES200('The device (one per user that used the key), now offline'),
  })
  async offline(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.devices.setOnline(await this.company(req.simScope), this.key(key), false);
  }

  @Post(':device_id/actions/go_online')
  @HttpCode(200)
  @Doc({
    summary: 'Bring a device back online',
    description: `Queues a \`sync.replay\` job that applies its offline writes in order through the API as its user (with the permission checks of now; a photo is uploaded then, with the sandbox's upload limits of now, and others see it once its processing job has run), and a \`sync.device\` job that syncs it; both run with the sandbox's sync delay (\`POST /_sim/settle\` waits for them). A key no device has used answers 404. ${SCOPE}`,
    params: DEVICE_PARAM,
    ok: DEVICES200('The device (one per user that used the key), online, with its sync pending'),
  })
  async online(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.devices.setOnline(await this.company(req.simScope), this.key(key), true);
  }

  @Post(':device_id/actions/sync')
  @HttpCode(200)
  @Doc({
    summary: 'Sync a device now',
    description: `A sync delivery already waiting for the device runs at once; otherwise a new one is queued. An offline device's sync job is skipped until it is online. A key no device has used answers 404; while Redis (the queues) is unreachable it answers 503 \`service_unavailable\`. ${SCOPE}`,
    params: DEVICE_PARAM,
    ok: DEVICES200('The device (one per user that used the key), its sync pending'),
  })
  async sync(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.devices.requestSync(await this.company(req.simScope), this.key(key));
  }

  @Get(':device_id/network')
  @Doc({
    summary: "Read a device's network",
    description: `The simulated network of each device with this key (null: normal), and the requests that timed out on it. A key no device has used answers 404. ${SCOPE}`,
    params: DEVICE_PARAM,
    ok: { description: 'The device (one per user that used the key) and its network', schema: ArrayOf(DeviceNetworkState) },
  })
  async getNetwork(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.network.describe(await this.company(req.simScope), this.key(key));
  }

  @Post(':device_id/network')
  @HttpCode(200)
  @Doc({
    summary: 'Put a device on a simulated network',
    description:
      'A profile (`jobsite_lte`, `weak_3g`; `normal` clears it) or custom `bandwidth_kbps`, `latency_ms` and `timeout_ms`. From its next request under `/rest` (with `X-Device-Id`), every answer to the device waits `latency_ms`, then its body arrives at `bandwidth_kbps`; an answer that cannot arrive whole within `timeout_ms` of the request is lost: the device waits out its timeout and gets 408 `device_timeout` (what the server did is not undone), recorded for diagnose (`weak_connection`). ' +
      `Changing the network starts its list of timeouts afresh. An invalid body answers 422 naming each field; a key no device has used answers 404. ${SCOPE}`,
    params: DEVICE_PARAM,
    body: { schema: SetNetworkRequest },
    ok: { description: 'The device (one per user that used the key) on its new network', schema: ArrayOf(DeviceNetworkState) },
  })
  async setNetwork(@Req() req: FastifyRequest, @Param('device_id') key: string, @Body() body: unknown): Promise<Record<string, unknown>[]> {
    return this.network.set(await this.company(req.simScope), this.key(key), body);
  }

  private key(key: string): string {
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(key)) throw AppError.notFound('Device');
    return key;
  }

  /** A sandbox token sees its own devices only. */
  private company(scope: SimScope | undefined): Promise<number | null> {
    return this.scopes.companyOf(scope);
  }

}
