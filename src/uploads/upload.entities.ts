import { Column, Entity } from 'typeorm';
import { VersionedEntity } from '../database/base.entity';
import type { UploadKind } from './file-types';

export type ProcessingStatus = 'queued' | 'processing' | 'ready' | 'failed';
/** What an upload can be attached to. */
export type AttachmentTarget = 'rfi' | 'rfi_reply' | 'submittal' | 'image' | 'drawing_upload';

/** A received file: its content lives in a file of the content store; a job takes it from `queued` to `ready` (or `failed`). */
@Entity('uploads')
export class Upload extends VersionedEntity {
  @Column({ type: 'integer' }) companyId!: number;
  @Column({ type: 'integer' }) projectId!: number;
  @Column({ type: 'integer', nullable: true }) uploadedById!: number | null;
  @Column({ type: 'varchar', length: 16 }) kind!: UploadKind;
  @Column({ type: 'varchar', length: 255 }) fileName!: string;
  @Column({ type: 'varchar', length: 100 }) contentType!: string;
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) sizeBytes!: number;
  @Column({ type: 'char', length: 64, nullable: true }) sha256!: string | null;
  @Column({ type: 'varchar', length: 16 }) processingStatus!: ProcessingStatus;
  @Column({ type: 'text', nullable: true }) processingError!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) processingStartedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) processedAt!: Date | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) attachedToType!: AttachmentTarget | null;
  @Column({ type: 'integer', nullable: true }) attachedToId!: number | null;
  /** What processing read from an image (null for other files, and until it is processed). */
  @Column({ type: 'integer', nullable: true }) imageWidth!: number | null;
  @Column({ type: 'integer', nullable: true }) imageHeight!: number | null;
  @Column({ type: 'smallint', nullable: true }) imageOrientation!: number | null;
  @Column({ type: 'timestamptz', nullable: true }) takenAt!: Date | null;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } }) latitude!: number | null;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } }) longitude!: number | null;
  /** Sent with an item's create or update: its job is queued when it is attached, in the item's transaction. */
  @Column({ type: 'boolean', default: false }) heldUntilAttached!: boolean;
}
