import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { CreateSandboxDto } from './sandbox.dto';
import { SandboxSettings } from './sandbox-settings';
import { Sandbox, SandboxSettings as SandboxSettingsSchema, SandboxSettingsPatch, SandboxSummary, SandboxWithCredentials } from './sandboxes.schemas';
import { SandboxesService } from './sandboxes.service';
import { assertOperator } from './sim-access';

@ApiTags('Simulator: sandboxes')
@Controller('_sim/sandboxes')
@SimControl()
export class SandboxesController {
  constructor(private readonly sandboxes: SandboxesService) {}

  @Post()
  @Doc({
    summary: 'Create a sandbox',
    description:
      'A new isolated company, seeded from its template: `training` (six personas, two projects, seeded items and OAuth apps) or `blank` (an administrator only). The answer is the only time the `sandbox_token` and the app secrets are shown. Only the operator token (or open controls) may create one: a sandbox token answers 403.',
    ok: { description: 'The sandbox, with its sandbox token, personas, projects and apps', schema: SandboxWithCredentials },
  })
  create(@Req() req: FastifyRequest, @Body() dto: CreateSandboxDto): Promise<Record<string, unknown>> {
    assertOperator(req.simScope);
    return this.sandboxes.create(dto.name, dto.template, dto.seed);
  }

  @Get()
  @Doc({
    summary: 'List sandboxes',
    description: 'Every sandbox for the operator (or open controls); a sandbox token sees only its own.',
    ok: { description: 'The sandboxes, oldest first', schema: ArrayOf(SandboxSummary) },
  })
  async list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.sandboxes.list(req.simScope?.kind === 'sandbox' ? req.simScope.sandboxId : undefined);
  }

  @Get(':sandbox_id')
  @Doc({ summary: 'Read a sandbox', description: 'Its personas (with their password), projects, apps (without secrets) and settings.', ok: { description: 'The sandbox', schema: Sandbox } })
  get(@Param('sandbox_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.sandboxes.get(id);
  }

  @Delete(':sandbox_id')
  @Doc({ summary: 'Delete a sandbox', description: 'Deletes its company and everything in it; its tokens stop working at once.', ok: { description: 'Deleted' } })
  @HttpCode(204)
  async remove(@Param('sandbox_id', IdPipe) id: number): Promise<void> {
    await this.sandboxes.remove(id);
  }

  @Post(':sandbox_id/actions/reset')
  @HttpCode(200)
  @Doc({
    summary: 'Reset a sandbox to its seeded state',
    description: 'Deletes every record of the company and seeds it again with the same ids and logins; access tokens issued before stop working, and the sandbox clock goes back to real time (jobs still waiting keep the time they had left). Settings, the sandbox token and the app secrets stay.',
    ok: { description: 'The sandbox as seeded again', schema: Sandbox },
  })
  reset(@Param('sandbox_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.sandboxes.reset(id);
  }

  @Post(':sandbox_id/actions/rotate_credentials')
  @HttpCode(200)
  @Doc({
    summary: "Rotate a sandbox's credentials",
    description: 'A new sandbox token and new secrets for the seeded apps, shown once in this answer; the old ones stop working at once.',
    ok: { description: 'The sandbox with its new sandbox token and app secrets', schema: SandboxWithCredentials },
  })
  rotate(@Param('sandbox_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.sandboxes.rotate(id);
  }

  @Get(':sandbox_id/settings')
  @Doc({ summary: "Read a sandbox's settings", ok: { description: 'Every setting, defaults filled in', schema: SandboxSettingsSchema } })
  settings(@Param('sandbox_id', IdPipe) id: number): Promise<SandboxSettings> {
    return this.sandboxes.settings(id);
  }

  @Patch(':sandbox_id/settings')
  @Doc({
    summary: "Change a sandbox's settings",
    description:
      'A partial update: only the fields sent change (inside `rate_limit`, `upload_limits` and `edge_cache` too). An unknown or invalid field answers 422 naming each (`details.fields`), and nothing changes. Settings reach every caller on their next request; a new `seed` starts the delay sequences again.',
    body: { schema: SandboxSettingsPatch },
    ok: { description: 'Every setting after the change', schema: SandboxSettingsSchema },
  })
  updateSettings(@Param('sandbox_id', IdPipe) id: number, @Body() patch: Record<string, unknown>): Promise<SandboxSettings> {
    return this.sandboxes.updateSettings(id, patch);
  }
}
