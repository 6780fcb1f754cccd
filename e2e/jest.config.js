// End-to-end tests (`npm run e2e`): real Postgres, gunicorn and nginx on 127.0.0.1, driven by the
// synthesized manifests in dist/. Separate from the unit tests (`npm test`, roots: test/).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 60000,
};
