/**
 * The one small interface both ClickHouse adapters implement. All SQL goes through it; values travel as
 * server-side parameters (`{name:Type}`), never spliced into the text.
 */
export type QueryParams = Readonly<Record<string, unknown>>;

export interface ClickHouseAdapter {
  readonly kind: 'embedded' | 'server';
  /** A statement with no result (DDL, ALTER, …). */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Rows as objects (JSONEachRow; 64-bit integers come back as numbers or strings per ClickHouse's settings). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Inserts rows as JSONEachRow. */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
}

/** Parses a JSONEachRow payload. */
export function parseEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) rows.push(JSON.parse(text.slice(start, end)) as T);
    start = end + 1;
  }
  return rows;
}

export function toEachRow(rows: readonly Record<string, unknown>[]): string {
  let out = '';
  for (const row of rows) out += JSON.stringify(row) + '\n';
  return out;
}
