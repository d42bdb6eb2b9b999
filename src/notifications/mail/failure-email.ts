/** What a failure e-mail says; built from data, so every field is escaped for its context. */
export interface FailureEmailData {
  leaderboardName: string;
  seriesName: string;
  eventName: string | null;
  error: string;
  failedAt: Date;
  lastGoodAt: Date | null;
  retryUrl: string;
  linkExpiresAt: Date;
}

/** Header values come from data (board names): no CR/LF may reach a header, and keep them short. */
export function headerSafe(value: string, max = 150): string {
  const flat = value.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function composeFailureEmail(d: FailureEmailData): { subject: string; text: string; html: string } {
  const when = (date: Date | null) => (date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : 'never');
  const facts: [string, string][] = [
    ['Leaderboard', d.leaderboardName],
    ['Series', d.seriesName],
    ['Event', d.eventName ?? '(all events)'],
    ['Failed at', when(d.failedAt)],
    ['Last good standings', when(d.lastGoodAt)],
    ['Error', d.error],
  ];
  const subject = headerSafe(`[Podium] Recalculation failed: ${d.leaderboardName} (${d.seriesName})`);
  const text = [
    'A leaderboard recalculation failed. The standings show their last good rows, marked stale.',
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `Retry (the page asks you to confirm): ${d.retryUrl}`,
    `The link works once and expires at ${when(d.linkExpiresAt)}.`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>A leaderboard recalculation failed. The standings show their last good rows, marked stale.</p>
<table>${facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p><a href="${escapeHtml(d.retryUrl)}">Retry the recalculation</a> (the page asks you to confirm). The link works once and expires at ${escapeHtml(when(d.linkExpiresAt))}.</p>
</body></html>`;
  return { subject, text, html };
}
