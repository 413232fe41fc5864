/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // The second reporter prints why tests were skipped (no Python, no AWS CLI), which jest shows only with --verbose.
  reporters: ['default', '<rootDir>/test/support/skip-reporter.js'],
};
