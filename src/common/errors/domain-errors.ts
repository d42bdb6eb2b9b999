/**
 * Domain errors say what went wrong in the product's terms and know nothing of HTTP: the one
 * exception filter maps each kind to a status. Services throw these, never HttpException, so
 * they stay usable from workers and the import command.
 */
export abstract class DomainError extends Error {
  /** Extra fields of the error's answer (e.g. the list of problems with an upload). */
  readonly details?: Record<string, unknown>;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: number | string) {
    super(`${what} ${id} not found`);
  }
}

/** A request that conflicts with the current state (the state machine, a uniqueness rule). */
export class ConflictError extends DomainError {}

/** Input the domain cannot read at all (a broken upload), as opposed to wrong field values. */
export class UnreadableInputError extends DomainError {}

/** Input of a kind the domain does not handle (a file format). */
export class UnsupportedInputError extends DomainError {}

/** Input over a configured limit. */
export class InputTooLargeError extends DomainError {}

/** Input that was read whole and is wrong in places, listed in `details`; nothing was changed. */
export class RejectedInputError extends DomainError {}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Input that is well-formed JSON but wrong for the domain, with the fields at fault. */
export class InvalidInputError extends DomainError {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

/**
 * The recalculation queue (Redis) cannot take work right now. Outages are short and the
 * connection retries within a second, so the client is told to try again in a few seconds.
 */
export class QueueUnavailableError extends DomainError {
  readonly retryAfterSeconds = 5;
  constructor(cause: unknown) {
    super('Recalculations cannot be queued right now (the queue is unavailable); try again in a few seconds');
    this.cause = cause;
  }
}

/** This process holds as many live-update streams as it may (SSE_MAX_CONNECTIONS); the client retries later. */
export class TooManyStreamsError extends DomainError {
  readonly retryAfterSeconds = 10;
  constructor() {
    super('Too many live-update connections right now; reload the page for the latest standings or try again shortly');
  }
}
