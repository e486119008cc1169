/**
 * A ClickHouse server (or cluster) over HTTP through @clickhouse/client. Same SQL as the embedded adapter.
 */
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseAdapter } from '../adapter.js';
import { classifyClickHouseError } from '../errors.js';

export interface ServerOptions {
  readonly url: string;
  readonly database?: string;
  readonly username?: string;
  readonly password?: string;
  readonly requestTimeoutMs?: number;
}

export function openServer(options: ServerOptions): ClickHouseAdapter {
  const client = createClient({
    url: options.url,
    database: options.database ?? 'default',
    username: options.username ?? 'default',
    password: options.password ?? '',
    request_timeout: options.requestTimeoutMs ?? 30_000,
    // Failures surface as classified StoreErrors to the caller, who logs them; the client's own log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: { input_format_skip_unknown_fields: 1, output_format_json_quote_64bit_integers: 0 },
  });
  const wrap = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw classifyClickHouseError(error);
    }
  };
  return {
    kind: 'server',
    command: (sql, params) => wrap(async () => void (await client.command({ query: sql, query_params: params ?? {} }))),
    query: <T>(sql: string, params?: Readonly<Record<string, unknown>>) =>
      wrap(async () => (await client.query({ query: sql, query_params: params ?? {}, format: 'JSONEachRow' })).json<T>()),
    insert: (table, rows) => wrap(async () => void (rows.length ? await client.insert({ table, values: [...rows], format: 'JSONEachRow' }) : undefined)),
    insertEncoded: (table, rowsJson) =>
      wrap(async () => {
        if (!rowsJson.length) return;
        // exec sends the text as it is: insert() would want objects for a JSON format and serialise them again.
        const result = await client.exec({ query: `INSERT INTO ${table} FORMAT JSONEachRow`, values: Readable.from([rowsJson.join('\n')]) });
        result.stream.resume();
        await finished(result.stream);
      }),
    close: () => client.close(),
  };
}
