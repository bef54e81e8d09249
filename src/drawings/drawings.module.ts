import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { ScenariosService } from '../scenarios/scenarios.service';
import { UploadsModule } from '../uploads/uploads.module';
import { DrawingAreasController, DrawingSetsController } from './drawing-catalog.controller';
import { DrawingCatalogService } from './drawing-catalog.service';
import { DrawingUploadsController } from './drawing-uploads.controller';
import { DrawingUploadsService } from './drawing-uploads.service';
import { DrawingRevisionsController, DrawingsController } from './drawings.controller';
import { DrawingCauses, MarkupLayerPersonalCause, MarkupsNotPublishedCause } from './drawings.causes';
import { MarkupPolicy } from './drawings.policies';
import { drawingNotesNotLoading } from './drawings.scenarios';
import { DrawingsSeed } from './drawings.seed';
import { DrawingsService } from './drawings.service';
import { MarkupsController } from './markups.controller';
import { MarkupsService } from './markups.service';

@Injectable()
class DrawingScenarios implements OnModuleInit {
  constructor(private readonly scenarios: ScenariosService) {}

  onModuleInit(): void {
    this.scenarios.register(drawingNotesNotLoading);
  }
}

/** Drawings: areas and sets, PDF uploads read into sheets and published as revisions, and markups on them. */
@Module({
  imports: [UploadsModule, ScenariosModule],
  providers: [
    DrawingCatalogService,
    DrawingsService,
    DrawingUploadsService,
    MarkupsService,
    MarkupPolicy,
    MarkupLayerPersonalCause,
    MarkupsNotPublishedCause,
    DrawingCauses,
    DrawingsSeed,
    DrawingScenarios,
  ],
  controllers: [DrawingAreasController, DrawingSetsController, DrawingUploadsController, DrawingsController, DrawingRevisionsController, MarkupsController],
})
export class DrawingsModule {}
