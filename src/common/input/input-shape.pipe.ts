import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '../errors/domain-errors';
import { findShapeProblem, InputShapeLimits } from './input-shape';

/**
 * The first global pipe: every body, query and route parameter is checked for depth, size and
 * NUL characters before the validation pipe (and route pipes such as the rows pipe) walk it
 * recursively or hand it to PostgreSQL.
 */
@Injectable()
export class InputShapePipe implements PipeTransform {
  constructor(private readonly limits: InputShapeLimits) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const problem = findShapeProblem(value, this.limits, metadata.data ?? metadata.type);
    if (problem) throw new InvalidInputError([problem]);
    return value;
  }
}
