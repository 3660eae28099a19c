/** One Jest run: unit specs beside the code, e2e suites under test/, one database server. */
const swcOptions = {
  swcrc: false,
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};
const shared = {
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
  transformIgnorePatterns: [
    'node_modules/(?!(?:.*/node_modules/)?(?:@nestjs|@opentelemetry/otlp-exporter-base|file-type|strtok3|token-types|uint8array-extras|@tokenizer|@borewit|content-disposition|cookie)/)',
  ],
  moduleNameMapper: {
    '^@lib/(auth-strategies|upstream-http|redaction|simulators|tracing)$':
      '<rootDir>/libs/$1/src/index.ts',
  },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/worker-env.ts'],
};
module.exports = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Two workers on either database (embedded or real PostgreSQL), each with a database of its own.
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // every answer a test receives through supertest is checked against /docs-json
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        '^supertest$': '<rootDir>/test/support/supertest.ts',
      },
      setupFilesAfterEnv: ['<rootDir>/test/support/contract-hooks.ts'],
    },
  ],
};
