import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { ScenariosService } from '../scenarios/scenarios.service';
import { UploadsModule } from '../uploads/uploads.module';
import { AlbumsController } from './albums.controller';
import { AlbumsService } from './albums.service';
import { ImagesController } from './images.controller';
import { ImagesService } from './images.service';
import { PhotoPolicy } from './photos.policies';
import { photosNotUploading, photosTakenOffline } from './photos.scenarios';
import { PhotosSeed } from './photos.seed';

@Injectable()
class PhotoScenarios implements OnModuleInit {
  constructor(private readonly scenarios: ScenariosService) {}

  onModuleInit(): void {
    this.scenarios.register(photosNotUploading, photosTakenOffline);
  }
}

/** Photos: albums (image categories) and, on the shared upload pipeline, the photos in them. */
@Module({
  imports: [UploadsModule, ScenariosModule],
  providers: [AlbumsService, ImagesService, PhotoPolicy, PhotosSeed, PhotoScenarios],
  controllers: [AlbumsController, ImagesController],
})
export class PhotosModule {}
