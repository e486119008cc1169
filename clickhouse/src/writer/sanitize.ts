/**
 * Makes every row fit its table before it is logged or encoded, so that no input (a lone UTF-16 surrogate, NaN,
 * a date ClickHouse cannot read, an object where a string belongs, JSON nested too deep to stringify) can make
 * ClickHouse refuse a batch. Never throws. A row that had to be altered lists the altered fields, so the record
 * says it is not byte-for-byte what the gateway saw.
 *
 * Times must also fall inside the table's retention (and not far in the future): ClickHouse drops a row whose TTL
 * has passed while it inserts it, without an error, and refuses a batch spanning more than 100 monthly partitions
 * with TOO_MANY_PARTS, which reads as "cannot take writes" and would hold the backlog forever.
 */
import { DEFAULT_RETENTION, type Retention } from '../migrate.js';
import { TABLES, chTime } from '../tables.js';

type Kind =
  | 'string'
  | 'time'
  | 'bool'
  | 'float'
  | 'strings'
  | 'stringMap'
  | 'countMap'
  | readonly ['int', number, number];

const U8 = ['int', 0, 255] as const;
const U16 = ['int', 0, 65_535] as const;
const U32 = ['int', 0, 4_294_967_295] as const;
const U64 = ['int', 0, Number.MAX_SAFE_INTEGER] as const;

/** Column kinds of the tables the writer fills; a column not listed here is only made well-formed, never dropped. */
const COLUMNS: Readonly<Record<string, Readonly<Record<string, Kind>>>> = {
  calls: {
    tenant: 'string', received_at: 'time', call_id: 'string', team: 'string', user: 'string', key_id: 'string',
    workflow: 'string', run_id: 'string', step: 'string', trace_id: 'string', api: 'string', provider: 'string',
    deployment: 'string', requested_model: 'string', served_model: 'string', stream: 'bool', status: U16,
    error_code: 'string', error_message: 'string', first_byte_ms: 'float', duration_ms: 'float', input_tokens: U32,
    output_tokens: U32, cached_input_tokens: U32, cost_micros: U64, attempts: U8, decision: 'string',
    decision_reasons: 'strings', policy_revision: 'string', pii_counts: 'countMap', approval_id: 'string', labels: 'stringMap',
  },
  spans: {
    tenant: 'string', start_time: 'time', trace_id: 'string', span_id: 'string', parent_span_id: 'string',
    call_id: 'string', name: 'string', kind: 'string', duration_ms: 'float', status_code: 'string',
    status_message: 'string', attributes: 'stringMap',
  },
  call_bodies: { tenant: 'string', received_at: 'time', call_id: 'string', request_text: 'string', response_text: 'string' },
  audit_log: {
    seq: U64, at: 'time', tenant: 'string', actor: 'string', action: 'string', subject: 'string', details: 'string',
    prev_hash: 'string', hash: 'string',
  },
};

/** Where a table keeps the list of altered fields (calls and spans have a map for it). */
export const ALTERED_KEY = 'airlock.altered';
const ALTERED_MAP: Readonly<Record<string, string>> = { calls: 'labels', spans: 'attributes' };

/** DateTime64's range, with a well-formed calendar date and time of day. */
const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;

/** The time's milliseconds since the epoch, or NaN when it is not a well-formed DateTime64 text. */
function timeMs(s: string): number {
  const m = TIME.exec(s);
  if (!m) return NaN;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (y < 1900 || y > 2299 || h > 23 || mi > 59 || se > 59) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const date = new Date(ms);
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? ms : NaN;
}

/** JSON text for any value: cycles, BigInts and nesting too deep for the stack are cut, never thrown. */
export function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return text ?? 'null';
  } catch {
    return JSON.stringify(limitDepth(value, 64, new WeakSet()));
  }
}

function limitDepth(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]';
  if (depth === 0) return '[too deep]';
  seen.add(value);
  const out = Array.isArray(value) ? value.map((v) => limitDepth(v, depth - 1, seen)) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, limitDepth(v, depth - 1, seen)]));
  seen.delete(value);
  return out;
}

/** How far ahead of this host's clock a time may be (another host's clock, an agent's span). */
const FUTURE_SKEW_MS = 86_400_000;
const DAY_MS = 86_400_000;

/** The oldest time a table keeps, in days, by its TTL (no entry: no TTL). */
function retentionDays(table: string, retention: Retention): number | undefined {
  if (table === TABLES.callBodies) return retention.bodyDays;
  if (table === TABLES.calls || table === TABLES.spans) return retention.metadataDays;
  return undefined;
}

export interface SanitizeOptions {
  readonly retention?: Retention;
  readonly now?: number;
}

interface Fix {
  altered: string[] | undefined;
  /** Times outside [oldest, newest] (ms) are moved to now. */
  readonly oldest: number;
  readonly newest: number;
  readonly now: number;
}

function note(fix: Fix, field: string): void {
  (fix.altered ??= []).push(field);
}

function str(v: unknown, field: string, fix: Fix): string {
  if (typeof v === 'string') {
    if (v.isWellFormed()) return v;
    note(fix, field);
    return v.toWellFormed();
  }
  note(fix, field);
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return safeJson(v);
}

function int(v: unknown, min: number, max: number, field: string, fix: Fix): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  note(fix, field);
  const n = typeof v === 'number' ? v : typeof v === 'string' || typeof v === 'bigint' ? Number(v) : NaN;
  if (Number.isNaN(n)) return min;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

function record(v: unknown, field: string, fix: Fix, value: (x: unknown, f: string) => unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    note(fix, field);
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[str(k, field, fix)] = value(x, field);
  return out;
}

function coerce(kind: Kind, v: unknown, field: string, fix: Fix): unknown {
  switch (kind) {
    case 'string':
      return str(v, field, fix);
    case 'time': {
      const inWindow = (ms: number): boolean => ms >= fix.oldest && ms <= fix.newest;
      if (typeof v === 'string' && inWindow(timeMs(v))) return v;
      note(fix, field);
      return chTime(typeof v === 'number' && inWindow(v) ? v : fix.now);
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      note(fix, field);
      return Boolean(v);
    case 'float':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      note(fix, field);
      return typeof v === 'string' && Number.isFinite(Number(v)) ? Number(v) : 0;
    case 'strings':
      if (!Array.isArray(v)) {
        note(fix, field);
        return [];
      }
      return v.map((x) => str(x, field, fix));
    case 'stringMap':
      return record(v, field, fix, (x, f) => str(x, f, fix));
    case 'countMap':
      return record(v, field, fix, (x, f) => int(x, 0, 4_294_967_295, f, fix));
    default:
      return int(v, kind[1], kind[2], field, fix);
  }
}

/** Any value with every string made well-formed and every number finite (for columns the writer has no kind for). */
function wellFormed(v: unknown, field: string, fix: Fix, depth = 0): unknown {
  if (typeof v === 'string') return str(v, field, fix);
  if (typeof v === 'number') return Number.isFinite(v) ? v : (note(fix, field), 0);
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? (note(fix, field), String(v)) : v;
  if (depth > 32) return str(v, field, fix);
  if (Array.isArray(v)) return v.map((x) => wellFormed(x, field, fix, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[str(k, field, fix)] = wellFormed(x, field, fix, depth + 1);
  return out;
}

export interface Sanitized {
  readonly row: Record<string, unknown>;
  /** The fields that had to change, or undefined when the row was already fit. */
  readonly altered: readonly string[] | undefined;
}

/**
 * The row as the table can take it. Known columns are coerced to their type (a missing one gets its default);
 * other keys are kept, well-formed. Calls and spans carry the altered fields in `labels` / `attributes`.
 */
export function sanitizeRow(table: string, input: unknown, options: SanitizeOptions = {}): Sanitized {
  const now = options.now ?? Date.now();
  const days = retentionDays(table, options.retention ?? DEFAULT_RETENTION);
  const fix: Fix = { altered: undefined, now, oldest: days === undefined ? -Infinity : now - days * DAY_MS, newest: now + FUTURE_SKEW_MS };
  const source = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : (note(fix, '(row)'), {});
  const columns = COLUMNS[table];
  const row: Record<string, unknown> = {};
  if (columns) for (const name in columns) row[name] = coerce(columns[name]!, source[name], name, fix);
  for (const name in source) {
    if (columns && name in columns) continue;
    row[str(name, name, fix)] = wellFormed(source[name], name, fix);
  }
  const altered = fix.altered ? [...new Set(fix.altered)] : undefined;
  if (altered) markAltered(table, row, altered);
  return { row, altered };
}

/** Every field as well-formed text (for values that are hashed before they become a row). */
export function sanitizeText<K extends string>(fields: Readonly<Record<K, unknown>>): { row: Record<K, string>; altered: readonly K[] | undefined } {
  const fix: Fix = { altered: undefined, now: 0, oldest: 0, newest: 0 };
  const row = {} as Record<K, string>;
  for (const name in fields) row[name] = str(fields[name], name, fix);
  return { row, altered: fix.altered as K[] | undefined };
}

/** Adds fields to the row's own list of altered fields (calls and spans). */
export function markAltered(table: string, row: Record<string, unknown>, fields: readonly string[]): void {
  const mapName = ALTERED_MAP[table];
  if (!mapName) return;
  const map = row[mapName] as Record<string, string>;
  const before = map[ALTERED_KEY] ? map[ALTERED_KEY].split(',') : [];
  map[ALTERED_KEY] = [...new Set([...before, ...fields])].join(',');
}
