import { composeFailureEmail, escapeHtml, headerSafe } from './failure-email';

describe('failure e-mail', () => {
  const base = {
    leaderboardName: 'Top Schools', seriesName: 'Cup', eventName: 'Round 3', error: 'boom', failedAt: new Date('2026-03-01T10:00:00Z'),
    lastGoodAt: null, retryUrl: 'https://podium.example/admin/retry?token=abc', linkExpiresAt: new Date('2026-03-04T10:00:00Z'),
  };

  it('keeps CR/LF out of the subject, whatever the board is called', () => {
    const { subject } = composeFailureEmail({ ...base, leaderboardName: 'Evil\r\nBcc: victim@example.org' });
    expect(subject).not.toMatch(/[\r\n]/);
    expect(headerSafe('a\nb\r\nc')).toBe('a b c');
  });

  it('escapes data in the HTML part', () => {
    const { html, text } = composeFailureEmail({ ...base, error: '<script>alert(1)</script>' });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(text).toContain('<script>alert(1)</script>'); // plain text shows it as written
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  it('says what failed, when, the last good standings, and links to the retry page', () => {
    const { text, html } = composeFailureEmail(base);
    for (const part of ['Top Schools', 'Cup', 'Round 3', 'boom', '2026-03-01 10:00:00 UTC', 'Last good standings: never', base.retryUrl]) {
      expect(text).toContain(part);
    }
    expect(html).toContain(`href="${base.retryUrl}"`);
  });
});
