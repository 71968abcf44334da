/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Middy 6 and jose 6 ship ES modules only: let swc turn them into CommonJS for jest.
  transform: { '^.+\\.(ts|js|mjs)$': ['@swc/jest'] },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  setupFiles: ['<rootDir>/tests/setup-env.js'],
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
};
