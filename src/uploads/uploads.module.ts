import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttachmentsService } from './attachments.service';
import { ContentStore } from './content-store';
import { MultipartForm } from './multipart-form';
import { UploadProcessing } from './upload-processing';
import { UploadReceiver } from './upload-receiver';
import { Upload } from './upload.entities';
import { SegmentedUploadsController } from './segmented-uploads.controller';
import { SegmentedUploads } from './segmented-uploads.service';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';
import { AttachmentProcessingCause, UploadCauses, UploadInterruptedCause, UploadRejectedCause } from './uploads.causes';

/**
 * The shared upload pipeline (DESIGN.md `uploads/`): streaming receive with its
 * refusals, storage in files (`ContentStore`), the processing job, and attachments, which
 * features (RFIs, submittals) use through `AttachmentsService`.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Upload])],
  providers: [ContentStore, SegmentedUploads, UploadReceiver, MultipartForm, UploadsService, AttachmentsService, UploadProcessing, AttachmentProcessingCause, UploadRejectedCause, UploadInterruptedCause, UploadCauses],
  controllers: [SegmentedUploadsController, UploadsController],
  exports: [AttachmentsService, UploadReceiver, MultipartForm, ContentStore, UploadProcessing],
})
export class UploadsModule {}
