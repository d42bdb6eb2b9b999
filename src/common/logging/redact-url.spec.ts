import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('hides the token wherever it sits in the query, whatever its case', () => {
    expect(redactUrl('/admin/retry?token=abc.def-123')).toBe('/admin/retry?token=[redacted]');
    expect(redactUrl('/admin/retry?x=1&TOKEN=abc&y=2')).toBe('/admin/retry?x=1&TOKEN=[redacted]&y=2');
    expect(redactUrl('/admin/retry?token=a&token=b#frag')).toBe('/admin/retry?token=[redacted]&token=[redacted]#frag');
  });

  it('leaves other parameters and paths alone', () => {
    expect(redactUrl('/api/leaderboards?tokens=1&mytoken=2')).toBe('/api/leaderboards?tokens=1&mytoken=2');
    expect(redactUrl('/api/token=abc')).toBe('/api/token=abc');
  });
});
