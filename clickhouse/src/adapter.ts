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
  /** Inserts rows (objects keyed by column; unknown keys are skipped, missing ones take the column default). */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  /**
   * Inserts rows already encoded as JSON objects (JSONEachRow), as the writer logged them to its write-ahead file:
   * a row's fields, bodies included, are serialised once per call rather than once for the file and again here.
   */
  insertEncoded(table: string, rowsJson: readonly string[]): Promise<void>;
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

/**
 * Rows as JSONCompactEachRow with their column list: one array a row, so ClickHouse parses about twice as fast as
 * JSONEachRow, which repeats every key in every row. The rows are serialised in one JSON.stringify call (the
 * format takes comma-separated rows), which costs less than one call a row. A column a row lacks is sent as null,
 * which ClickHouse reads as the column's default.
 */
export function toCompactEachRow(rows: readonly Record<string, unknown>[]): { columns: string[]; text: string } {
  const names = new Set<string>();
  for (const row of rows) for (const key in row) names.add(key);
  const columns = [...names];
  const values = new Array<unknown[]>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const v = new Array<unknown>(columns.length);
    for (let j = 0; j < columns.length; j++) v[j] = row[columns[j]!] ?? null;
    values[i] = v;
  }
  return { columns, text: JSON.stringify(values).slice(1, -1) };
}
