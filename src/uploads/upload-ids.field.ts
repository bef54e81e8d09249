import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional } from 'class-validator';
import { IdField, MAX_ID } from '../directory/dto/common-fields';

/** Most files one request attaches. */
export const MAX_ATTACH = 50;

/** `upload_ids`: the caller's uploads (`POST .../uploads`) to attach to the item; they are added to what it has. */
export function UploadIdsField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      isArray: true,
      minimum: 1,
      maximum: MAX_ID,
      maxItems: MAX_ATTACH,
      description: 'Ids of your own uploads (POST .../uploads) to attach; they join the attachments the item has. Others see each one once it is processed.',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_ATTACH),
    IdField({ each: true }),
  );
}
