import { Module } from '@nestjs/common';
import { TimelineController } from './timeline.controller';
import { TimelineService } from './timeline.service';

/** Item timelines: changes, jobs, deliveries and device syncs behind an item, in order. */
@Module({
  providers: [TimelineService],
  controllers: [TimelineController],
})
export class TimelineModule {}
