import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { DrawingAreasController, DrawingSetsController } from './drawing-catalog.controller';
import { DrawingCatalogService } from './drawing-catalog.service';
import { DrawingUploadsController } from './drawing-uploads.controller';
import { DrawingUploadsService } from './drawing-uploads.service';
import { DrawingRevisionsController, DrawingsController } from './drawings.controller';
import { MarkupPolicy } from './drawings.policies';
import { DrawingsService } from './drawings.service';
import { MarkupsController } from './markups.controller';
import { MarkupsService } from './markups.service';

/** Drawings: areas and sets, PDF uploads read into sheets and published as revisions, and markups on them. */
@Module({
  imports: [UploadsModule],
  providers: [DrawingCatalogService, DrawingsService, DrawingUploadsService, MarkupsService, MarkupPolicy],
  controllers: [DrawingAreasController, DrawingSetsController, DrawingUploadsController, DrawingsController, DrawingRevisionsController, MarkupsController],
})
export class DrawingsModule {}
