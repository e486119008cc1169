export const TABLES = {
  calls: 'calls',
  callBodies: 'call_bodies',
  spans: 'spans',
  auditLog: 'audit_trail',
  apiKeys: 'api_keys',
  approvalEvents: 'approval_events',
} as const;
export type TableName = (typeof TABLES)[keyof typeof TABLES];

/**
 * What identifies a row of each table the writer fills (the tables' replacing keys end with these), so a replay
 * can skip rows ClickHouse already holds: `probe` is the column looked up, `time` narrows the lookup to the parts
 * that can hold them.
 */
export interface RowIdentity {
  readonly keys: readonly string[];
  readonly probe: string;
  readonly probeType: 'String' | 'UInt64';
  readonly time?: string;
}
export const ROW_IDENTITY: Readonly<Partial<Record<string, RowIdentity>>> = {
  [TABLES.calls]: { keys: ['tenant', 'call_id'], probe: 'call_id', probeType: 'String', time: 'received_at' },
  [TABLES.callBodies]: { keys: ['tenant', 'call_id'], probe: 'call_id', probeType: 'String', time: 'received_at' },
  [TABLES.spans]: { keys: ['trace_id', 'span_id'], probe: 'span_id', probeType: 'String', time: 'start_time' },
  [TABLES.auditLog]: { keys: ['tenant', 'seq'], probe: 'seq', probeType: 'UInt64', time: 'at' },
  [TABLES.approvalEvents]: { keys: ['tenant', 'approval_id', 'event_id'], probe: 'event_id', probeType: 'String' },
};

/** ClickHouse's DateTime64 text form, in UTC: `2026-11-24 21:15:00.123`. */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Microsecond precision for spans. */
export function chTimeMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return chTime(ms) + String(Math.floor(us % 1000)).padStart(3, '0');
}
