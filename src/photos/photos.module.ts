import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { AlbumsController } from './albums.controller';
import { AlbumsService } from './albums.service';
import { ImagesController } from './images.controller';
import { ImagesService } from './images.service';
import { PhotoPolicy } from './photos.policies';
import { PhotosSeed } from './photos.seed';

/** Photos: albums (image categories) and, on the shared upload pipeline, the photos in them. */
@Module({
  imports: [UploadsModule],
  providers: [AlbumsService, ImagesService, PhotoPolicy, PhotosSeed],
  controllers: [AlbumsController, ImagesController],
})
export class PhotosModule {}
