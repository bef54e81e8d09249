import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Doc } from '../common/openapi/doc.decorator';
import { IdPipe } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import type { RanJob } from '../queues/job-clock';
import { AdvancedClock, Clock } from './clock.schemas';
import { AdvanceClockDto, MAX_ADVANCE_SECONDS } from './clock.dto';
import { ClockService, ClockView } from './clock.service';

/** The sandbox test clock: reproduce "overdue", "session expired" or a webhook's 12-hour discard without waiting. */
@ApiTags('Simulator: sandbox clock')
@Controller('_sim/sandboxes/:sandbox_id/clock')
@SimControl()
export class ClockController {
  constructor(private readonly clock: ClockService) {}

  @Get()
  @Doc({
    summary: 'Read the sandbox clock',
    description:
      'Everything time-dependent in the sandbox reads this clock: item timestamps, due dates and `overdue`, business-day defaults, token and refresh expiry, lockouts, webhook backoff and the 12-hour discard, job delays, edge-cache age, fault expiry and device `as_of`. A new or reset sandbox runs on real time.',
    ok: { description: 'Now in the sandbox, whether it is frozen, and how far it is from real time', schema: Clock },
  })
  get(@Param('sandbox_id', IdPipe) id: number): Promise<ClockView> {
    return this.clock.get(id);
  }

  @Post('actions/advance')
  @HttpCode(200)
  @Doc({
    summary: 'Move the sandbox clock forward',
    description: `Moves time forward by \`seconds\` (more than 0, at most ${MAX_ADVANCE_SECONDS}: a year). First the sandbox's delayed jobs and retries whose time comes within it run, in due order, through the workers, each at its own time (so a failing webhook's retries follow one another on their backoff schedule); then the clock shows the old time plus \`seconds\`. \`POST /_sim/settle\` waits for what those jobs started.`,
    ok: { description: 'The clock after the advance, and every attempt it ran', schema: AdvancedClock },
  })
  advance(@Param('sandbox_id', IdPipe) id: number, @Body() dto: AdvanceClockDto): Promise<ClockView & { jobs_run: RanJob[] }> {
    return this.clock.advance(id, dto.seconds);
  }

  @Post('actions/freeze')
  @HttpCode(200)
  @Doc({
    summary: 'Stop time in the sandbox',
    description: 'Time stands at the current sandbox time until resumed: tokens do not expire, items do not become overdue, and delayed jobs and retries wait for an advance.',
    ok: { description: 'The frozen clock', schema: Clock },
  })
  freeze(@Param('sandbox_id', IdPipe) id: number): Promise<ClockView> {
    return this.clock.freeze(id);
  }

  @Post('actions/resume')
  @HttpCode(200)
  @Doc({
    summary: 'Let time flow again in the sandbox',
    description: 'Time flows on from where it stood (the offset keeps the time it was frozen); delayed jobs fire when the sandbox clock reaches their time. A sandbox reset returns the clock to real time.',
    ok: { description: 'The running clock', schema: Clock },
  })
  resume(@Param('sandbox_id', IdPipe) id: number): Promise<ClockView> {
    return this.clock.resume(id);
  }
}
