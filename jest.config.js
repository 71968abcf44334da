/**
 * Shared by every project: ts-jest transpiles TypeScript (type checking is `npm run typecheck`'s job),
 * and turns Middy 6 and jose 6, which ship ES modules only, into CommonJS for jest.
 */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
};

/**
 * The crash test kills a local cloud of its own mid-flight (about a minute). Part of every run since the
 * orders table's stream became the outbox (no kill can land between a write and its publish any more);
 * `npm run test:crash` runs it alone.
 */
const crash = { ...common, displayName: 'crash', setupFiles: ['<rootDir>/tests/setup-env.js'], testMatch: ['<rootDir>/tests/crash/**/*.test.ts'] };

/** @type {import('jest').Config} */
module.exports = process.env.JEST_CRASH
  ? { projects: [crash] }
  : {
      projects: [
        {
          ...common,
          displayName: 'unit',
          setupFiles: ['<rootDir>/tests/setup-env.js'],
          testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
        },
        {
          ...common,
          displayName: 'offline',
          testMatch: ['<rootDir>/tests/offline/**/*.test.ts'],
        },
        {
          ...common,
          displayName: 'deploy',
          testMatch: ['<rootDir>/tests/deploy/**/*.test.ts'],
        },
        {
          ...common,
          displayName: 'services',
          // Other services than orderflow, each started like `npm start` by its own test file, on free ports.
          testMatch: ['<rootDir>/tests/services/**/*.test.ts'],
        },
        {
          ...common,
          displayName: 'e2e',
          setupFiles: ['<rootDir>/tests/setup-env.js'],
          // One local cloud for the whole run, started like `npm start` does, on ports of its own.
          globalSetup: '<rootDir>/tests/e2e/support/start-local-cloud.ts',
          globalTeardown: '<rootDir>/tests/e2e/support/stop-local-cloud.ts',
          testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
        },
        crash,
      ],
    };
