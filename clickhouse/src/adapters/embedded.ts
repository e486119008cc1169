/**
 * Embedded ClickHouse (chdb) with a persistent data directory owned by this process. Only the async APIs are used,
 * so queries run off the event loop.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ClickHouseAdapter, QueryParams } from '../adapter.js';
import { parseEachRow, toCompactEachRow } from '../adapter.js';
import { StoreError, classifyClickHouseError } from '../errors.js';

interface ChdbResult {
  text(): string;
}
interface ChdbSession {
  queryAsync(sql: string, opts?: { format?: string }): Promise<ChdbResult>;
  queryBindAsync(sql: string, params: object, opts?: { format?: string }): Promise<ChdbResult>;
  insert(params: { table: string; columns?: readonly string[]; values: Buffer; format: 'JSONCompactEachRow' | 'JSONEachRow' }): Promise<unknown>;
  cleanup?(): void;
  close?(): void;
}

const require = createRequire(import.meta.url);

export function openEmbedded(path: string): ClickHouseAdapter {
  mkdirSync(path, { recursive: true });
  const { Session } = require('chdb') as { Session: new (path: string) => ChdbSession };
  let session: ChdbSession;
  try {
    session = new Session(path);
  } catch (error) {
    const message = String((error as Error).message);
    if (/lock/i.test(message)) throw new StoreError('CH_ERR_LOCKED', `the data directory ${path} is in use by another process`, undefined, { cause: error });
    throw classifyClickHouseError(error);
  }
  const run = async <T>(sql: string, params: QueryParams | undefined, format: string): Promise<string> => {
    try {
      const result = params && Object.keys(params).length ? await session.queryBindAsync(sql, params, { format }) : await session.queryAsync(sql, { format });
      return result.text();
    } catch (error) {
      throw classifyClickHouseError(error);
    }
  };
  return {
    kind: 'embedded',
    async command(sql, params) {
      await run(sql, params, 'TSV');
    },
    async query<T>(sql: string, params?: QueryParams) {
      return parseEachRow<T>(await run(sql, params, 'JSONEachRow'));
    },
    async insert(table, rows) {
      if (!rows.length) return;
      try {
        const { columns, text } = toCompactEachRow(rows);
        await session.insert({ table, columns, values: Buffer.from(text), format: 'JSONCompactEachRow' });
      } catch (error) {
        throw classifyClickHouseError(error);
      }
    },
    async insertEncoded(table, rowsJson) {
      if (!rowsJson.length) return;
      try {
        await session.insert({ table, values: Buffer.from(rowsJson.join('\n')), format: 'JSONEachRow' });
      } catch (error) {
        throw classifyClickHouseError(error);
      }
    },
    async close() {
      session.close?.();
    },
  };
}
