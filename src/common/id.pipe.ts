import { Injectable, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from './errors/domain-errors';

const MAX_ID = 2_147_483_647;

/** Route ids: positive 32-bit integers, so a bad id is a 400 rather than a database error. */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: { data?: string }): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > MAX_ID) {
      throw new InvalidInputError([{ field: metadata.data ?? 'id', message: 'must be a positive whole number' }]);
    }
    return id;
  }
}
