import { defineConfig } from 'vitest/config';

// End-to-end tests: playwright-core driving Debian's Chromium against a running
// stack (E2E_BASE_URL). They run one file at a time, in order.
// E2E_REPORTS=0 leaves out e2e/reports.spec.ts, for a stack without the report
// worker (the local runner has it in process, so it runs by default).
const withReports = process.env.E2E_REPORTS !== '0';

export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    exclude: withReports ? [] : ['e2e/reports.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    reporters: ['default'],
  },
});
