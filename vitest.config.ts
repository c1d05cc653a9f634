// One vitest run for the whole monorepo: tests sit beside the package they test (packages/x/test/).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    globalSetup: ['./test-support/global-setup.ts'],
    pool: 'forks',
    // Real processes, sockets and databases: generous limits, but every test bounds its own waits.
    testTimeout: 60_000,
    // Under CI one retry: these tests run real processes on a loaded 2-core machine, where start-up order and
    // scheduling vary. A test that fails twice fails the run; a retried pass still shows in the JSON report.
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 120_000,
    // 2 cores: more parallel files only add contention between real child processes.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
