import { defineProject } from 'vitest/config';

// forks: chdb lets one process own a data directory, so every test file gets its own process.
export default defineProject({
  test: {
    name: 'clickhouse',
    pool: 'forks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
