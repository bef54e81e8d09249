import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProjectsModule } from '../projects/projects.module';
import { ClockController } from './clock.controller';
import { ClockService } from './clock.service';
import { DirectorySeed } from './directory-seed';
import { SandboxClock } from './sandbox-clock';
import { Sandbox } from './sandbox.entity';
import { SandboxesController } from './sandboxes.controller';
import { SandboxesService } from './sandboxes.service';
import { SeedRegistry } from './seed-registry';
import { SimControlGuard } from './sim-control.guard';
import { SimScopes } from './sim-scopes';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Sandbox]), ProjectsModule],
  providers: [SandboxesService, SeedRegistry, DirectorySeed, SimControlGuard, SimScopes, SandboxClock, ClockService],
  controllers: [SandboxesController, ClockController],
  exports: [SandboxesService, SeedRegistry, SimControlGuard, SimScopes, SandboxClock, ClockService],
})
export class SandboxesModule {}
