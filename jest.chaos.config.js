/**
 * `npm run test:chaos`: the chaos suite (test/chaos/*.chaos.ts), apart from `npm test`. It
 * starts its own PostgreSQL and Redis on private ports and runs Podium's API and workers as
 * separate processes built once into .chaos/dist, then kills, restarts and flushes them.
 */
module.exports = {
  displayName: 'chaos',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/chaos/**/*.chaos.ts'],
  globalSetup: '<rootDir>/test/chaos/global-setup.ts',
  // One file, scenarios in order on one set of servers; the whole suite has an 8-minute budget.
  maxWorkers: 1,
  testTimeout: 240_000,
};
