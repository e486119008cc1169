import { defineProject } from 'vitest/config';

// Browser tests: one real gateway, one production build of the console, one headless Chromium per file.
export default defineProject({
  // The SDK as source, as the rest of the repo reads it: its built dist/ exists only once the console is built.
  resolve: { conditions: ['airlock-source'] },
  ssr: { resolve: { conditions: ['airlock-source'] } },
  test: {
    name: 'console',
    pool: 'forks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // The first run on a fresh clone builds the console (next build), which takes a minute or two on 2 cores.
    hookTimeout: 600_000,
    // After the other projects, on a machine no longer busy with them: the approver tests time a live queue and a
    // waiting SDK client against real browsers, and with the whole suite beside them on 2 cores one of them stalled.
    sequence: { groupOrder: 1 },
  },
});
