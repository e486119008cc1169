/**
 * Named queries over calls and spans: the call list with cursor pagination, one call with its spans, one run.
 * Every read is scoped by tenant.
 */
import { z } from 'zod';
import type { ClickHouseAdapter } from '../adapter.js';
import { TABLES } from '../tables.js';
import { Where } from './filters.js';

/** A date or date-time in UTC, as every range filter takes it. */
export const time = z.string().regex(/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z?)?$/, 'a date or date-time (UTC)');

export const CallFiltersSchema = z
  .object({
    from: time.optional(),
    to: time.optional(),
    team: z.string().optional(),
    user: z.string().optional(),
    workflow: z.string().optional(),
    run: z.string().optional(),
    model: z.string().optional(),
    status: z.enum(['ok', 'error']).optional(),
    decision: z.string().optional(),
    /** PII found: `any`, or types separated by commas (a call with any of them matches). */
    pii: z
      .string()
      .regex(/^(any|[A-Z_]+(,[A-Z_]+)*)$/, 'any, or PII types such as EMAIL,PHONE')
      .optional(),
    cursor: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
  })
  .strict();
export type CallFilters = z.input<typeof CallFiltersSchema>;

/** Times are read as text (exact, timezone-free); filters on the same names then need prefer_column_name_to_alias. */
export const CALL_COLUMNS = `call_id, toString(received_at) AS received_at, tenant, team, user, key_id, workflow, run_id, step, trace_id, api,
  provider, deployment, requested_model, served_model, stream, status, error_code, error_message, first_byte_ms, duration_ms,
  input_tokens, output_tokens, cached_input_tokens, cost_micros, attempts, decision, decision_reasons, policy_revision,
  pii_counts, approval_id, labels`;

export type CallView = Record<string, unknown> & { call_id: string; received_at: string };

/** Normalises `2026-01-02`, `2026-01-02T03:04:05Z` etc. to ClickHouse's DateTime64 text. */
export function toChTime(value: string): string {
  const v = value.replace('T', ' ').replace(/Z$/, '');
  return v.length === 10 ? `${v} 00:00:00.000` : v;
}

const encodeCursor = (row: CallView): string => Buffer.from(`${row.received_at}|${row.call_id}`).toString('base64url');

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id) throw new Error('invalid cursor');
  return { at, id };
}

export class CallsRepository {
  constructor(private readonly db: ClickHouseAdapter) {}

  /** Newest first; `next` continues after the last row returned. */
  async list(tenant: string, raw: CallFilters): Promise<{ calls: CallView[]; next: string | null }> {
    const f = CallFiltersSchema.parse(raw);
    const where = new Where()
      .eq('tenant', 'tenant', 'String', tenant)
      .raw('received_at >= {from:DateTime64(3)} AND received_at < {to:DateTime64(3)}', {
        from: toChTime(f.from ?? '1970-01-01'),
        to: toChTime(f.to ?? '2999-01-01'),
      })
      .eq('team', 'team', 'String', f.team)
      .eq('user', 'user', 'String', f.user)
      .eq('workflow', 'workflow', 'String', f.workflow)
      .eq('run_id', 'run', 'String', f.run)
      .eq('requested_model', 'model', 'String', f.model)
      .eq('decision', 'decision', 'String', f.decision);
    if (f.pii === 'any') where.raw('arrayExists(n -> n > 0, mapValues(pii_counts))');
    else if (f.pii) where.raw('arrayExists(t -> pii_counts[t] > 0, {pii:Array(String)})', { pii: f.pii.split(',') });
    if (f.status === 'ok') where.raw('status < 400');
    if (f.status === 'error') where.raw('status >= 400');
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      where.raw('(received_at, call_id) < ({cursor_at:DateTime64(3)}, {cursor_id:String})', { cursor_at: c.at, cursor_id: c.id });
    }
    const w = where.build();
    const calls = await this.db.query<CallView>(
      `SELECT ${CALL_COLUMNS} FROM ${TABLES.calls} FINAL ${w.sql} ORDER BY received_at DESC, call_id DESC LIMIT {limit:UInt32} SETTINGS prefer_column_name_to_alias = 1`,
      { ...w.params, limit: f.limit },
    );
    return { calls, next: calls.length === f.limit ? encodeCursor(calls[calls.length - 1]!) : null };
  }

  async get(tenant: string, callId: string): Promise<{ call: CallView; spans: Record<string, unknown>[]; body: Record<string, unknown> | null } | null> {
    const [call] = await this.db.query<CallView>(
      `SELECT ${CALL_COLUMNS} FROM ${TABLES.calls} FINAL WHERE tenant = {tenant:String} AND call_id = {id:String} LIMIT 1`,
      { tenant, id: callId },
    );
    if (!call) return null;
    const spans = await this.db.query(
      `SELECT trace_id, span_id, parent_span_id, name, kind, toString(start_time) AS start_time, duration_ms, status_code, status_message, attributes
       FROM ${TABLES.spans} FINAL WHERE tenant = {tenant:String} AND call_id = {id:String} ORDER BY start_time, span_id`,
      { tenant, id: callId },
    );
    const [body] = await this.db.query(
      `SELECT request_text, response_text FROM ${TABLES.callBodies} FINAL WHERE tenant = {tenant:String} AND call_id = {id:String} LIMIT 1`,
      { tenant, id: callId },
    );
    return { call, spans, body: body ?? null };
  }

  /** Every span of a trace, the gateway's and those agents sent over OTLP, in time order. */
  async trace(tenant: string, traceId: string): Promise<Record<string, unknown>[]> {
    return this.db.query(
      `SELECT trace_id, span_id, parent_span_id, call_id, name, kind, toString(start_time) AS start_time, duration_ms, status_code, status_message, attributes
       FROM ${TABLES.spans} FINAL WHERE tenant = {tenant:String} AND trace_id = {trace:String} ORDER BY start_time, span_id`,
      { tenant, trace: traceId },
    );
  }

  /** A workflow run's calls in the order they were made. */
  async run(tenant: string, runId: string): Promise<CallView[]> {
    return this.db.query<CallView>(
      `SELECT ${CALL_COLUMNS} FROM ${TABLES.calls} FINAL WHERE tenant = {tenant:String} AND run_id = {run:String} ORDER BY received_at, call_id`,
      { tenant, run: runId },
    );
  }
}
