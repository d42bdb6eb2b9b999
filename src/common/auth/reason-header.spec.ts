import { MAX_REASON_LENGTH, readReasonHeader } from './reason-header';

describe('readReasonHeader', () => {
  it('takes plain and percent-encoded reasons, and nothing when absent or blank', () => {
    expect(readReasonHeader(undefined)).toEqual({ text: null });
    expect(readReasonHeader('  ')).toEqual({ text: null });
    expect(readReasonHeader('Protest upheld')).toEqual({ text: 'Protest upheld' });
    expect(readReasonHeader(encodeURIComponent('Zoë was 3rd, not 4th'))).toEqual({ text: 'Zoë was 3rd, not 4th' });
    expect(readReasonHeader('100% sure')).toEqual({ text: '100% sure' });
  });

  it('refuses control characters, repeats and novels with a message', () => {
    expect(readReasonHeader(encodeURIComponent('a\u0000b')).problem).toMatch(/control characters/);
    expect(readReasonHeader(['a', 'b']).problem).toMatch(/once/);
    expect(readReasonHeader('x'.repeat(MAX_REASON_LENGTH + 1)).problem).toMatch(/at most 500 characters \(it has 501\)/);
  });
});
