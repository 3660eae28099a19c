/**
 * `npm run test:chaos`: real gateway processes (node dist/src/main.js), a real Postgres
 * (DATABASE_URL, or an embedded PostgreSQL 15 when unset; a database of its own made by the
 * global setup) and standalone simulators.
 * Not part of `npm test`; `.ci/run` runs it after the other suites.
 */
const { projects } = require('./jest.config');

const e2e = projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'chaos',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
  globalSetup: '<rootDir>/test/chaos/global-setup.ts',
  globalTeardown: '<rootDir>/test/chaos/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 120_000,
};
