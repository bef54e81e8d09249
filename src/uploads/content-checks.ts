import { AppError } from '../common/errors';
import type { SandboxSettings } from '../sandboxes/sandbox-settings';
import { checkType, SNIFF_BYTES, UploadKind, unsafeNameReason } from './file-types';

const LIMIT_OF: Record<UploadKind, keyof SandboxSettings['upload_limits']> = {
  attachment: 'attachment_bytes',
  photo: 'photo_bytes',
  drawing: 'drawing_bytes',
};

/** The most bytes the sandbox takes for a file of this kind. */
export function limitFor(settings: SandboxSettings, kind: UploadKind): number {
  return settings.upload_limits[LIMIT_OF[kind]];
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

/** 413 `file_too_large` for a file of this kind past the sandbox's limit. */
export function tooLarge(kind: UploadKind, fileName: string, limit: number, received: number): AppError {
  return new AppError('file_too_large', `The file is larger than the ${mib(limit)} this sandbox accepts for ${kind}s.`, {
    file_name: fileName,
    limit_bytes: limit,
    received_bytes_at_least: received,
  });
}

/** 422 `unsafe_file_name` for a name that is not safe to keep. */
export function assertSafeName(fileName: string): void {
  const unsafe = unsafeNameReason(fileName);
  if (unsafe) throw new AppError('unsafe_file_name', `The file name is refused: ${unsafe}.`, { file_name: fileName.slice(0, 255), reason: unsafe });
}

/**
 * The checks a file's content passes as it streams in, chunk by chunk: no
 * larger than the limit (refused as soon as it is past it), and of the type
 * its name says, told by its first bytes (refused as soon as they are in).
 */
export class ContentChecks {
  private head: Buffer[] = [];
  private headBytes = 0;
  private mime: string | null = null;

  constructor(
    private readonly kind: UploadKind,
    private readonly fileName: string,
    private readonly limit: number,
    /** The Content-Type the client declared, kept in a type refusal for diagnose. */
    private readonly declared: string | null = null,
  ) {}

  /** Sees the next chunk; `received` counts the bytes so far, this chunk included. Throws the refusal. */
  chunk(chunk: Buffer, received: number): void {
    if (received > this.limit) throw tooLarge(this.kind, this.fileName, this.limit, received);
    if (this.mime !== null) return;
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= SNIFF_BYTES) this.sniff();
  }

  /** After the last chunk: the MIME type the file is kept as (422 `empty_file` for no bytes at all). */
  end(received: number): string {
    if (received === 0) throw new AppError('empty_file', 'The file is empty (0 bytes); nothing was stored.', { file_name: this.fileName });
    this.sniff();
    return this.mime!;
  }

  private sniff(): void {
    if (this.mime !== null) return;
    const verdict = checkType(this.kind, this.fileName, Buffer.concat(this.head, this.headBytes).subarray(0, SNIFF_BYTES));
    this.head = [];
    if (!verdict.ok) throw new AppError('unsupported_file_type', verdict.message, { file_name: this.fileName, detected: verdict.detected, declared: this.declared });
    this.mime = verdict.mime;
  }
}
