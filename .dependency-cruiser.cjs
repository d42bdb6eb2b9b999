/**
 * The rooms of src and what each may import (`npm run lint:deps`). A room is a top-level folder
 * of src (src/leaderboards/recalculation belongs to leaderboards). The table below is the whole
 * policy: a room imports only itself and the rooms listed for it, and the table is layered (a
 * room lists only rooms above it in the file), so no two rooms can import each other.
 * Root files (main.ts, bootstrap.ts, app.module.ts) wire everything and may import any room.
 */
const ROOMS = {
  config: [],
  calculators: [],
  redis: ['config'],
  common: ['config', 'redis'],
  // Who changed what: features record their changes in the audit log in their own transactions.
  audit: ['common', 'config'],
  'pending-recalc': ['calculators', 'common', 'config'],
  series: ['audit', 'common', 'config', 'pending-recalc'],
  results: ['audit', 'calculators', 'common', 'config', 'pending-recalc', 'series'],
  metrics: ['common', 'config', 'pending-recalc', 'redis'],
  notifications: ['audit', 'common', 'config', 'metrics', 'redis'],
  leaderboards: ['audit', 'calculators', 'common', 'config', 'metrics', 'notifications', 'pending-recalc', 'redis', 'results', 'series'],
  housekeeping: ['audit', 'common', 'config', 'redis'],
  health: ['common', 'config', 'redis'],
  'queue-dashboard': ['common', 'config'],
  // The organiser console's static files (the app itself lives in web/ and talks only to /api).
  'admin-console': ['config'],
  // The public pages and exports read what the features publish; no feature imports them.
  web: ['calculators', 'common', 'config', 'leaderboards', 'metrics', 'redis', 'results', 'series'],
  exports: ['calculators', 'common', 'config', 'leaderboards', 'metrics', 'redis', 'results', 'series'],
  // The schema's entity list and migrations runner.
  database: ['common', 'config', 'leaderboards', 'notifications', 'results', 'series'],
  cli: ['audit', 'common', 'config', 'database', 'leaderboards', 'pending-recalc', 'results', 'series'],
};

const roomRules = Object.entries(ROOMS).map(([room, allowed]) => ({
  name: `room-${room}`,
  comment: `src/${room} imports only ${allowed.length ? allowed.map((r) => `src/${r}`).join(', ') : 'itself (and npm packages)'}.`,
  severity: 'error',
  from: { path: `^src/${room}/` },
  to: { path: '^src/', pathNot: [`^src/${room}/`, ...allowed.map((r) => `^src/${r}/`)] },
}));

module.exports = {
  forbidden: [
    ...roomRules,
    {
      name: 'rooms-are-listed',
      comment: 'A new top-level folder of src gets a line in ROOMS (.dependency-cruiser.cjs) saying what it may import.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: `^src/(${Object.keys(ROOMS).join('|')}|migrations)/` },
      to: {},
    },
    {
      name: 'no-module-cycles',
      comment: 'No file imports itself back through others.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '^src/migrations/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
