import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../errors';

const ID = /^[1-9]\d{0,9}$/;

/** A positive 32-bit integer id, or null. */
export function parseId(value: unknown): number | null {
  return typeof value === 'string' && ID.test(value) && Number(value) <= 2_147_483_647 ? Number(value) : null;
}

/** A route id: anything but a positive 32-bit integer is an id that does not exist (404). */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = parseId(value);
    if (id === null) throw AppError.notFound('Item');
    return id;
  }
}
