/** The API's error answers (src/common/errors/http-exception.filter.ts) as words for a person. */
export interface FieldProblem {
  field?: string;
  message: string;
}

export interface ImportProblem {
  sheet: string | null;
  row: number;
  column: string | null;
  message: string;
}

export interface ErrorBody {
  statusCode?: number;
  error?: string;
  message?: string | string[];
  errors?: (FieldProblem | ImportProblem)[];
  totalErrors?: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
  ) {
    super(describeError(status, body));
  }

  /** Per-field problems of a 400 (validation), keyed by field path. */
  get fieldProblems(): FieldProblem[] {
    return (this.body?.errors ?? []).filter((e): e is FieldProblem => 'field' in e || !('row' in e));
  }

  /** Per-cell problems of a 422 import. */
  get importProblems(): ImportProblem[] {
    return (this.body?.errors ?? []).filter((e): e is ImportProblem => 'row' in e);
  }
}

export function describeError(status: number, body: ErrorBody | null): string {
  const message = Array.isArray(body?.message) ? body!.message.join('; ') : body?.message;
  if (status === 0) return 'The server did not answer: check the connection and try again.';
  const fields = (body?.errors ?? []).filter((e): e is FieldProblem => 'field' in e && !('row' in e));
  if (fields.length > 0) return fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ');
  if (message) return message;
  return `The server answered ${status}${body?.error ? ` (${body.error})` : ''}.`;
}

/** Any thrown thing as one sentence. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
