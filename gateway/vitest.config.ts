import { defineProject } from 'vitest/config';

// forks: chdb lets one process own a data directory, so every test file gets its own process.
export default defineProject({
  // The CLI imports the SDK, resolved to its sources as bin/airlock.mjs resolves it (no build step).
  resolve: { conditions: ['airlock-source'] },
  ssr: { resolve: { conditions: ['airlock-source'] } },
  test: {
    name: 'gateway',
    pool: 'forks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
