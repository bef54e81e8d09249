import { Module } from '@nestjs/common';
import { AlbumsController } from './albums.controller';
import { AlbumsService } from './albums.service';

/** Photos: albums (image categories) and, on the shared upload pipeline, the photos in them. */
@Module({
  providers: [AlbumsService],
  controllers: [AlbumsController],
})
export class PhotosModule {}
