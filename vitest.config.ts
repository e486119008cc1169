import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['gateway', 'policies', 'clickhouse', 'sdk', 'console', 'demo'],
  },
});
