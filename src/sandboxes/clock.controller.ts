import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdPipe } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { AdvanceClockDto, AdvancedClockDto, ClockActionDto, ClockDto } from './clock.dto';
import { ClockService, ClockView } from './clock.service';
import type { RanJob } from '../queues/job-clock';

/** The sandbox test clock: reproduce "overdue", "session expired" or a webhook's 12-hour discard without waiting. */
@ApiTags('Simulator: sandbox clock')
@Controller('_sim/sandboxes/:sandbox_id/clock')
@SimControl()
export class ClockController {
  constructor(private readonly clock: ClockService) {}

  @Get()
  @ApiOperation({ summary: 'The sandbox clock', description: 'Everything time-dependent in the sandbox (timestamps, due dates and `overdue`, token expiry, lockouts, webhook retries, job delays, cache ages) reads this clock.' })
  @ApiOkResponse({ type: ClockDto })
  get(@Param('sandbox_id', IdPipe) id: number): Promise<ClockView> {
    return this.clock.get(id);
  }

  @Post('actions/advance')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move the sandbox clock forward',
    description:
      'Runs, in due order and through the workers, the sandbox’s delayed jobs and retries whose time comes within `seconds` (each at its own time), then answers the clock and what ran. `POST /_sim/settle` waits for jobs it started.',
  })
  @ApiOkResponse({ type: AdvancedClockDto })
  advance(@Param('sandbox_id', IdPipe) id: number, @Body() dto: AdvanceClockDto): Promise<ClockView & { jobs_run: RanJob[] }> {
    return this.clock.advance(id, dto.seconds);
  }

  @Post('actions/freeze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop time in the sandbox', description: 'Time stands at the current sandbox time until resumed; delayed jobs and retries due later wait for an advance.' })
  @ApiOkResponse({ type: ClockDto })
  freeze(@Param('sandbox_id', IdPipe) id: number, @Body() _dto: ClockActionDto): Promise<ClockView> {
    return this.clock.freeze(id);
  }

  @Post('actions/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let time flow again', description: 'Time flows on from where it stood; the offset keeps the frozen time. A sandbox reset returns the clock to real time.' })
  @ApiOkResponse({ type: ClockDto })
  resume(@Param('sandbox_id', IdPipe) id: number, @Body() _dto: ClockActionDto): Promise<ClockView> {
    return this.clock.resume(id);
  }
}
