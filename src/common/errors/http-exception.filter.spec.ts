import type { ArgumentsHost } from '@nestjs/common';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { HttpErrorFilter } from './http-exception.filter';

/** What the filter answers for an error, through a minimal Express-like response. */
function answer(exception: unknown): { status: number; body: { statusCode: number; message: string } } {
  const seen = { status: 0, body: null as unknown as { statusCode: number; message: string } };
  const response = {
    headersSent: false,
    setHeader: () => response,
    status: (status: number) => ((seen.status = status), response),
    json: (body: typeof seen.body) => ((seen.body = body), response),
  };
  const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ path: '/api/result-sets/1/results', method: 'PUT', headers: {} }) }) } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(exception, host);
  return seen;
}

function pgError(code: string, constraint: string): DatabaseError {
  const err = new DatabaseError('violates foreign key constraint', 0, 'error');
  err.code = code;
  err.constraint = constraint;
  return err;
}

describe('HttpErrorFilter: constraint violations are the client\'s, not 500s', () => {
  it('maps node-pg\'s own DatabaseError (repositories that use the pg client directly) as it maps TypeORM\'s', () => {
    // A status code deleted between a row write's check and its insert: the foreign key refuses the row.
    const raw = answer(pgError('23503', 'race_result_status_fkey'));
    expect(raw).toEqual({ status: 409, body: expect.objectContaining({ statusCode: 409, message: expect.stringContaining('(race_result_status_fkey)') }) });
    const wrapped = answer(new QueryFailedError('INSERT', [], pgError('23503', 'race_result_status_fkey')));
    expect(wrapped).toEqual(raw);
  });

  it('still answers 500 for a database error that is not a known client mistake', () => {
    expect(answer(pgError('42P01', 'none')).status).toBe(500);
  });
});
