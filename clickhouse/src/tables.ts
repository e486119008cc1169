export const TABLES = {
  calls: 'calls',
  callBodies: 'call_bodies',
  spans: 'spans',
  auditLog: 'audit_log',
  apiKeys: 'api_keys',
} as const;
export type TableName = (typeof TABLES)[keyof typeof TABLES];

/** ClickHouse's DateTime64 text form, in UTC: `2026-11-24 21:15:00.123`. */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Microsecond precision for spans. */
export function chTimeMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return chTime(ms) + String(Math.floor(us % 1000)).padStart(3, '0');
}
