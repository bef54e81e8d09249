import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { SimControl } from '../permissions/route-access';
import type { SimScope } from '../sandboxes/sim-access';
import { SimScopes } from '../sandboxes/sim-scopes';
import { DevicesService } from './devices.service';

@ApiTags('Simulator: devices')
@Controller('_sim/devices')
@SimControl()
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly scopes: SimScopes,
  ) {}

  @Get()
  async list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.devices.describe(await this.company(req.simScope));
  }

  @Get(':device_id/writes')
  async writes(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.devices.writes(await this.company(req.simScope), this.key(key));
  }

  @Post(':device_id/actions/go_offline')
  @HttpCode(200)
  async offline(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.devices.setOnline(await this.company(req.simScope), this.key(key), false);
  }

  @Post(':device_id/actions/go_online')
  @HttpCode(200)
  async online(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.devices.setOnline(await this.company(req.simScope), this.key(key), true);
  }

  @Post(':device_id/actions/sync')
  @HttpCode(200)
  async sync(@Req() req: FastifyRequest, @Param('device_id') key: string): Promise<Record<string, unknown>[]> {
    return this.devices.requestSync(await this.company(req.simScope), this.key(key));
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
