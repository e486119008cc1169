import { defineProject } from 'vitest/config';

// The demo imports the SDK, resolved to its sources as `npm run demo` resolves it (no build step).
export default defineProject({
  resolve: { conditions: ['airlock-source'] },
  ssr: { resolve: { conditions: ['airlock-source'] } },
  test: {
    name: 'demo',
    pool: 'forks',
    include: ['**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
