import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IdPipe } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { CreateSandboxDto } from './sandbox.dto';
import { SandboxSettings } from './sandbox-settings';
import { SandboxesService } from './sandboxes.service';
import { assertOperator } from './sim-access';

@ApiTags('Simulator: sandboxes')
@Controller('_sim/sandboxes')
@SimControl()
export class SandboxesController {
  constructor(private readonly sandboxes: SandboxesService) {}

  @Post()
  create(@Req() req: FastifyRequest, @Body() dto: CreateSandboxDto): Promise<Record<string, unknown>> {
    assertOperator(req.simScope);
    return this.sandboxes.create(dto.name, dto.template, dto.seed);
  }

  @Get()
  async list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    if (req.simScope?.kind === 'sandbox') return [await this.sandboxes.get(req.simScope.sandboxId)];
    return this.sandboxes.list();
  }

  @Get(':sandbox_id')
  get(@Param('sandbox_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.sandboxes.get(id);
  }

  @Delete(':sandbox_id')
  @HttpCode(204)
  async remove(@Param('sandbox_id', IdPipe) id: number): Promise<void> {
    await this.sandboxes.remove(id);
  }

  @Post(':sandbox_id/actions/reset')
  @HttpCode(200)
  reset(@Param('sandbox_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.sandboxes.reset(id);
  }

  @Post(':sandbox_id/actions/rotate_credentials')
  @HttpCode(200)
  rotate(@Param('sandbox_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.sandboxes.rotate(id);
  }

  @Get(':sandbox_id/settings')
  settings(@Param('sandbox_id', IdPipe) id: number): Promise<SandboxSettings> {
    return this.sandboxes.settings(id);
  }

  @Patch(':sandbox_id/settings')
  updateSettings(@Param('sandbox_id', IdPipe) id: number, @Body() patch: Record<string, unknown>): Promise<SandboxSettings> {
    return this.sandboxes.updateSettings(id, patch);
  }
}
