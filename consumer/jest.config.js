// The package as a user gets it (`npm run test:package`): `npm pack`, the tarball installed
// offline into a fresh cdk8s app, `npx cdk8s synth` and the `pyweb-cdk8s` command run there.
// Separate from `npm test` (roots: test/) because packing and installing take most of a minute;
// CI (.ci/run) and the README's test commands run both.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/consumer/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 300000,
};
