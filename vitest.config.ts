// One vitest run for the whole monorepo: tests sit beside the package they test (packages/x/test/).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    globalSetup: ['./test-support/global-setup.ts'],
    pool: 'forks',
    // Real processes, sockets and databases: generous limits, but every test bounds its own waits.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2 cores: more parallel files only add contention between real child processes.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
