import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppError } from '../common/errors';
import { ItemPolicy, ItemPolicyContext, ItemPolicyRegistry, ItemVerdict, refusalAsVerdict, roleVerdict } from '../permissions/item-policy';
import { ImageRow, ImagesService } from './images.service';

/**
 * Photos (layers 8–9): a private photo only for those who may see it; below
 * Admin, a Standard user edits and deletes only the photos they uploaded.
 */
@Injectable()
export class PhotoPolicy implements ItemPolicy, OnModuleInit {
  readonly actions = ['photos.view', 'photos.edit', 'photos.delete'] as const;

  constructor(
    private readonly registry: ItemPolicyRegistry,
    private readonly images: ImagesService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async check({ itemId, subject, decision }: ItemPolicyContext): Promise<ItemVerdict> {
    if (itemId === null || !subject.project) return { allowed: true };
    let row: ImageRow | undefined;
    const seen = await refusalAsVerdict(async () => {
      row = await this.images.visibleRow(subject, subject.project!.projectId, itemId);
    }).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') return null; // the route answers 404
      throw err;
    });
    if (seen === null || !row) return { allowed: true };
    if (!seen.allowed || decision.outcome === 'allowed') return seen;
    return roleVerdict(decision, row.uploaded_by_id === subject.userId ? ['uploader'] : [], row.processing_status, 'photo', `photo #${row.id}`);
  }
}
