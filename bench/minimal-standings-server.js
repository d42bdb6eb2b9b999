// The baseline of the read benchmark: the least a server can do to serve one standings page —
// node:http, one pg pool, one query, JSON. No framework, no validation, no auth.
'use strict';
const http = require('node:http');
const { Pool } = require('pg');

// The breakdown is stored as compact text (src/calculators/breakdown-form.ts): expanded to the
// object the API answers, keys in jsonb's order, as the least a server can do to answer the same JSON.
function expand(text) {
  const parsed = JSON.parse(text);
  if (!Array.isArray(parsed)) return parsed;
  const line = (t, at, reason) => {
    const [eventId, eventName, date, category, place, status, points, riders] = t.slice(at);
    const o = { date, place, points };
    if (reason !== undefined) o.reason = reason;
    if (riders !== undefined) o.riders = riders.map(([name, p, pts]) => ({ name, place: p, points: pts }));
    return Object.assign(o, { status, eventId, category, eventName });
  };
  return { counted: parsed[0].map((t) => line(t, 0)), dropped: parsed[1].map((t) => line(t, 1, t[0])), tieBreak: parsed[2] };
}

const [databaseUrl, resultSetId] = process.argv.slice(2);
const pool = new Pool({ connectionString: databaseUrl, max: 10 });
pool.on('error', () => undefined); // the benchmark drops the database at the end
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const { rows } = await pool.query(
    `SELECT position, points, seq, group_key AS key, name, group_name AS "group", breakdown FROM race_result
      WHERE result_set_id = $1 AND group_key IS NOT NULL ORDER BY seq OFFSET $2 LIMIT $3`,
    [resultSetId, offset, limit],
  );
  res.setHeader('Content-Type', 'application/json');
  for (const row of rows) row.breakdown = row.breakdown === null ? null : expand(row.breakdown);
  res.end(JSON.stringify({ entries: rows }));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
