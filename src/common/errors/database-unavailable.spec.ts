import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, OutageLog } from './database-unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['admin shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['cannot connect now', withCode('57P03', 'the database system is shutting down')],
    ['connection exception class 08', withCode('08006')],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['a QueryFailedError around one', new QueryFailedError('SELECT 1', [], withCode('57P01'))],
    ['a refused AggregateError', new AggregateError([withCode('ECONNREFUSED')], 'connect failed')],
    ['an error object from another realm', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }],
  ])('%s → true', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], withCode('23505'))],
    ['a raised exception', new QueryFailedError('INSERT', [], withCode('P0001', 'relation "race_result"'))],
    ['a plain error', new Error('boom')],
    ['not an error', 'Connection terminated'],
  ])('%s → false', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('OutageLog', () => {
  it('writes the first failure, then at most once per interval with the count it held back', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new OutageLog((message) => lines.push(message), 1000, () => now);
    for (let i = 0; i < 50; i++) log.record(new Error('down'));
    expect(lines).toHaveLength(1);
    now = 1500;
    log.record(new Error('down'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('49 more requests');
  });
});
