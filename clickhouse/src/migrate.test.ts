import { describe, expect, it } from 'vitest';
import { clusterize, readMigrations } from './migrate.js';

describe('clusterize', () => {
  it('turns a table into a replicated local table on the cluster plus a distributed table under its name', () => {
    const [local, distributed] = clusterize('CREATE TABLE IF NOT EXISTS calls\n(\n    a String\n)\nENGINE = ReplacingMergeTree\nORDER BY a', 'prod');
    expect(local).toContain('CREATE TABLE IF NOT EXISTS calls_local ON CLUSTER prod');
    expect(local).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/calls_local', '{replica}')");
    expect(distributed).toBe('CREATE TABLE IF NOT EXISTS calls ON CLUSTER prod AS calls_local ENGINE = Distributed(prod, currentDatabase(), calls_local, rand())');
  });

  it('keeps engine arguments (the version column of a ReplacingMergeTree)', () => {
    const [local] = clusterize('CREATE TABLE IF NOT EXISTS api_keys\n(\n    v UInt64\n)\nENGINE = ReplacingMergeTree(version)\nORDER BY id', 'c1');
    expect(local).toContain("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/api_keys_local', '{replica}', version)");
  });

  it('refuses a cluster name that is not an identifier', () => {
    expect(() => clusterize('CREATE TABLE IF NOT EXISTS t\n(a String) ENGINE = MergeTree ORDER BY a', 'x; DROP')).toThrow(/invalid cluster name/);
  });

  it('every up migration has a down migration and a NNNN_verb_object name', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = await readdir(new URL('../migrations/', import.meta.url));
    const ups = (await readMigrations()).map((m) => m.name);
    expect(ups.length).toBeGreaterThanOrEqual(5);
    for (const name of ups) {
      expect(name).toMatch(/^\d{4}_[a-z]+_[a-z_]+$/);
      expect(files).toContain(`${name}.down.sql`);
    }
  });
});
