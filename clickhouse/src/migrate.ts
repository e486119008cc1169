/**
 * Applies the numbered migrations in clickhouse/migrations/ in order, once each, recording them in
 * `schema_migrations`. One migration source serves single servers and clusters: with a cluster name, the migrator
 * rewrites each CREATE TABLE into a Replicated table ON CLUSTER plus a Distributed table under the original name.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ClickHouseAdapter } from './adapter.js';
import { StoreError } from './errors.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export interface Retention {
  /** Call metadata and spans. */
  readonly metadataDays: number;
  /** Redacted request/response bodies. */
  readonly bodyDays: number;
}

export const DEFAULT_RETENTION: Retention = { metadataDays: 400, bodyDays: 30 };

export interface MigrateOptions {
  readonly retention?: Retention;
  readonly cluster?: string;
  readonly dir?: string;
}

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly up: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.up\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (f) => ({ version: f.slice(0, 4), name: f.replace(/\.up\.sql$/, ''), up: await readFile(`${dir}/${f}`, 'utf8') })),
  );
}

function render(sql: string, retention: Retention): string {
  const values: Record<string, number> = { metadata_ttl_days: retention.metadataDays, body_ttl_days: retention.bodyDays };
  return sql.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined || !Number.isInteger(v) || v <= 0) throw new StoreError('CH_ERR_MIGRATION', `migration template value ${key} must be a positive integer`);
    return String(v);
  });
}

const CREATE = /CREATE TABLE IF NOT EXISTS (\w+)\s*\n/;

/** The cluster form of a CREATE TABLE: `<name>_local` replicated on every shard, `<name>` distributed over them. */
export function clusterize(sql: string, cluster: string): string[] {
  if (!/^[A-Za-z0-9_]+$/.test(cluster)) throw new StoreError('CH_ERR_MIGRATION', `invalid cluster name ${cluster}`);
  const m = CREATE.exec(sql);
  if (!m) return [sql.replace(/^(ALTER TABLE \w+|DROP TABLE IF EXISTS \w+)/m, `$1 ON CLUSTER ${cluster}`)];
  const table = m[1]!;
  const local = sql
    .replace(CREATE, `CREATE TABLE IF NOT EXISTS ${table}_local ON CLUSTER ${cluster}\n`)
    .replace(/ENGINE = (\w*)MergeTree(\(([^)]*)\))?/, (_, prefix: string, _args: string, inner: string | undefined) => {
      const path = `'/clickhouse/tables/{shard}/{database}/${table}_local', '{replica}'`;
      return `ENGINE = Replicated${prefix}MergeTree(${path}${inner ? `, ${inner}` : ''})`;
    });
  const distributed = `CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER ${cluster} AS ${table}_local ENGINE = Distributed(${cluster}, currentDatabase(), ${table}_local, rand())`;
  return [local, distributed];
}

function statements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

/** Applies what is missing; returns the names applied now. Idempotent: a second run applies nothing. */
export async function migrate(db: ClickHouseAdapter, options: MigrateOptions = {}): Promise<string[]> {
  const retention = options.retention ?? DEFAULT_RETENTION;
  await db.command(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version String, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set((await db.query<{ version: string }>('SELECT version FROM schema_migrations FINAL')).map((r) => r.version));
  const applied: string[] = [];
  for (const m of await readMigrations(options.dir)) {
    if (done.has(m.version)) continue;
    for (const stmt of statements(render(m.up, retention))) {
      for (const s of options.cluster ? clusterize(stmt, options.cluster) : [stmt]) {
        try {
          await db.command(s);
        } catch (error) {
          throw new StoreError('CH_ERR_MIGRATION', `migration ${m.name} failed: ${(error as Error).message}`, undefined, { cause: error });
        }
      }
    }
    await db.insert('schema_migrations', [{ version: m.version, name: m.name }]);
    applied.push(m.name);
  }
  await applyRetention(db, retention, options.cluster);
  return applied;
}

/** Retention can change after the tables exist: TTLs are brought in line at every start. */
async function applyRetention(db: ClickHouseAdapter, retention: Retention, cluster?: string): Promise<void> {
  const onCluster = cluster ? ` ON CLUSTER ${cluster}` : '';
  const suffix = cluster ? '_local' : '';
  const ttl: [string, string, number][] = [
    ['calls', 'received_at', retention.metadataDays],
    ['spans', 'start_time', retention.metadataDays],
    ['call_bodies', 'received_at', retention.bodyDays],
  ];
  for (const [table, column, days] of ttl) {
    await db.command(`ALTER TABLE ${table}${suffix}${onCluster} MODIFY TTL toDateTime(${column}) + INTERVAL ${Math.trunc(days)} DAY`);
  }
}
