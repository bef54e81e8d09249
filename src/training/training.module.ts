import { Module } from '@nestjs/common';
import { ClassesModule } from '../classes/classes.module';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { ChallengesController } from './challenges.controller';
import { ChallengesService } from './challenges.service';
import { DrillsController } from './drills.controller';
import { DrillsService } from './drills.service';
import { TraineeSandboxes } from './trainee-sandbox';

/** What a trainee does with their own persona token: drills of the scenario catalogue, and answering a challenge. */
@Module({
  imports: [ScenariosModule, ClassesModule],
  providers: [DrillsService, ChallengesService, TraineeSandboxes],
  controllers: [DrillsController, ChallengesController],
  exports: [TraineeSandboxes],
})
export class TrainingModule {}
