// The baseline for the standings HTML page: node:http, one pg pool, two queries, a template
// literal. On each request it renders the page from the stored rows: 100 entries, a column per
// event with the points made there, dropped results in parentheses. No framework, no cache.
'use strict';
const http = require('node:http');
const { Pool } = require('pg');

const [databaseUrl, leaderboardId, resultSetId] = process.argv.slice(2);
const pool = new Pool({ connectionString: databaseUrl, max: 10 });
pool.on('error', () => undefined); // the benchmark drops the database at the end

const escape = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The breakdown is stored as compact text (src/calculators/breakdown-form.ts): each line a tuple
// [eventId, eventName, date, category, place, status, points, …], a dropped one led by its reason.
function cells(text, events) {
  const byEvent = new Map();
  const [counted, dropped] = text === null ? [[], []] : JSON.parse(text);
  for (const [eventId, , , , , status, points] of counted) byEvent.set(eventId, `${status === 'FIN' ? points : `${status} ${points}`}`);
  for (const [, eventId, , , , , , points] of dropped) byEvent.set(eventId, `<s title="dropped">(${points})</s>`);
  return events.map((e) => `<td>${byEvent.get(e.id) ?? ''}</td>`).join('');
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const [events, entries] = await Promise.all([
    pool.query(
      `SELECT e.id, e.name FROM event e JOIN leaderboard l ON l.series_id = e.series_id WHERE l.id = $1 ORDER BY e.date, e.id`,
      [leaderboardId],
    ),
    pool.query(
      `SELECT position, points, name, group_name, breakdown FROM race_result
        WHERE result_set_id = $1 AND group_key IS NOT NULL ORDER BY seq OFFSET $2 LIMIT $3`,
      [resultSetId, offset, limit],
    ),
  ]);
  const head = events.rows.map((e) => `<th>${escape(e.name)}</th>`).join('');
  const rows = entries.rows.map((r) => `<tr><td>${r.position ?? ''}</td><td>${escape(r.name)}</td><td>${escape(r.group_name)}</td><td>${r.points}</td>${cells(r.breakdown, events.rows)}</tr>`).join('\n');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Standings</title></head><body>
<table><thead><tr><th>Pos</th><th>Name</th><th>School</th><th>Points</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></body></html>`);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
