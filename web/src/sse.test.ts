import { describe, expect, it } from 'vitest';
import { parseSse } from './sse';

describe('parseSse', () => {
  it('splits whole messages from the unfinished rest, with their event type', () => {
    const { messages, rest } = parseSse('event: failure\ndata: {"a":1}\n\n: heartbeat\n\ndata: x\n');
    expect(messages).toEqual([{ type: 'failure', data: '{"a":1}' }]);
    expect(rest).toBe('data: x\n');
    expect(parseSse(`${rest}\n`).messages).toEqual([{ type: 'message', data: 'x' }]);
  });

  it('joins multi-line data and reads CRLF streams', () => {
    expect(parseSse('event: recovery\r\ndata: one\r\ndata:two\r\n\r\n').messages).toEqual([{ type: 'recovery', data: 'one\ntwo' }]);
  });
});
