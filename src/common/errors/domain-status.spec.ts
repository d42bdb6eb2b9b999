import { ConflictError, DomainError, InputTooLargeError, InvalidInputError, NotFoundError, QueueUnavailableError, RejectedInputError, UnreadableInputError, UnsupportedInputError } from './domain-errors';
import { domainStatus } from './http-exception.filter';

describe('domain errors → HTTP status (the filter owns the mapping)', () => {
  it.each([
    [new NotFoundError('Series', 1), 404],
    [new ConflictError('state'), 409],
    [new InvalidInputError([{ field: 'name', message: 'required' }]), 400],
    [new UnreadableInputError('empty file'), 400],
    [new UnsupportedInputError('legacy .xls'), 415],
    [new InputTooLargeError('too many rows'), 413],
    [new RejectedInputError('3 problems'), 422],
    [new QueueUnavailableError(new Error('down')), 503],
  ])('%s answers %i', (error, status) => {
    expect(domainStatus(error)).toBe(status);
    expect(error).not.toHaveProperty('status');
  });

  it('a subclass answers as its nearest listed kind; an unlisted kind is a 500', () => {
    class MissingFileError extends NotFoundError {}
    class UnlistedError extends DomainError {}
    expect(domainStatus(new MissingFileError('File', 'a.csv'))).toBe(404);
    expect(domainStatus(new UnlistedError('?'))).toBe(500);
  });
});
