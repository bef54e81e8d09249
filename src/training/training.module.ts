import { Module } from '@nestjs/common';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { DrillsController } from './drills.controller';
import { DrillsService } from './drills.service';
import { TraineeSandboxes } from './trainee-sandbox';

/** What a trainee does with their own persona token: drills of the scenario catalogue, and answering a challenge. */
@Module({
  imports: [ScenariosModule],
  providers: [DrillsService, TraineeSandboxes],
  controllers: [DrillsController],
  exports: [TraineeSandboxes],
})
export class TrainingModule {}
