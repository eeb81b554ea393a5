// Run tests in UTC so date-based assertions do not depend on the machine's zone;
// every zone the product uses is passed explicitly.
process.env.TZ = 'UTC';

const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  // Hooks and tests that boot the app or seed data exceed jest's default 5 s on a shared, loaded
  // machine; a time limit here only guards against hangs (timing goals belong in bench/). jest-circus
  // reads it from the global config only, so it cannot be set per project.
  testTimeout: 60_000,
  // Jest's default is one worker fewer than the cores, so on a 2-core CI machine it ran every suite in
  // band: one process whose ESM VM registries (one per suite) grew to 3.4 GB over 85 suites and took
  // 18 minutes. Two workers run the suites side by side (each e2e file makes its own database from the
  // template and takes free ports, so they share nothing but the PostgreSQL server), and a worker that
  // sits above the idle limit after a file is replaced, so memory stays bounded without a larger heap.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1GB',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.mjs',
      globalTeardown: '<rootDir>/tests/support/global-teardown.mjs',
    },
  ],
};
