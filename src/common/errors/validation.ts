import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidInputError } from './domain-errors';

/** Flattens class-validator's nested errors into `items[3].participant.lastName: ...` lines. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The one pipe for request bodies and queries: unknown fields are errors, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new InvalidInputError(flattenValidationErrors(errors)),
  });
}

/**
 * A PATCH DTO made with PartialType lets null through its IsOptional; for these fields null is
 * not a value (a name cannot be cleared), so it is refused naming them.
 */
export function rejectNulls(dto: object, fields: readonly string[]): void {
  const problems: FieldProblem[] = fields
    .filter((field) => (dto as Record<string, unknown>)[field] === null)
    .map((field) => ({ field, message: `${field} cannot be null; leave it out to keep its value` }));
  if (problems.length > 0) throw new InvalidInputError(problems);
}
