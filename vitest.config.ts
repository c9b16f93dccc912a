import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The functions' structured logs are asserted where they matter, not printed on every run.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1' },
    restoreMocks: true,
    // A ceiling against a hung test, not a speed goal (those live in `npm run bench`): the sweep's
    // 100,000-secret tests and the 1,000-finding storms take seconds on a 2-core machine, more
    // when it is busy, and must not fail for that.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
