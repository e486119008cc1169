/**
 * Analytics for the console: KPIs over time, the per-step bottleneck view, and the step-to-step process map.
 * These scan many rows, so they read without FINAL: a call counted twice can only come from a replayed backlog row
 * not yet merged, which background merges remove.
 */
import { z } from 'zod';
import type { ClickHouseAdapter } from '../adapter.js';
import { TABLES } from '../tables.js';
import { time, toChTime } from './calls.js';
import { Where } from './filters.js';
import { buildProcessMap, type ProcessEvent, type ProcessMap } from './process-map.js';

const BUCKETS = { minute: 'INTERVAL 1 MINUTE', hour: 'INTERVAL 1 HOUR', day: 'INTERVAL 1 DAY' } as const;
const GROUPS = { none: "''", model: 'requested_model', team: 'team', workflow: 'workflow' } as const;

export const RangeSchema = z.object({ from: time.optional(), to: time.optional(), workflow: z.string().optional() }).strict();

export const KpiQuerySchema = RangeSchema.extend({
  bucket: z.enum(['minute', 'hour', 'day']).default('hour'),
  group_by: z.enum(['none', 'model', 'team', 'workflow']).default('none'),
}).strict();
export type KpiQuery = z.input<typeof KpiQuerySchema>;
export type RangeQuery = z.input<typeof RangeSchema>;

export const ProcessQuerySchema = RangeSchema.extend({
  workflow: z.string().min(1, 'name the workflow to map'),
  /** The newest runs in the range the map reads at most. */
  max_runs: z.coerce.number().int().min(1).max(20_000).default(5_000),
}).strict();
export type ProcessQuery = z.input<typeof ProcessQuerySchema>;

function scope(tenant: string, r: z.infer<typeof RangeSchema>): Where {
  return new Where()
    .eq('tenant', 'tenant', 'String', tenant)
    .raw('received_at >= {from:DateTime64(3)} AND received_at < {to:DateTime64(3)}', {
      from: toChTime(r.from ?? '1970-01-01'),
      to: toChTime(r.to ?? '2999-01-01'),
    })
    .eq('workflow', 'workflow', 'String', r.workflow);
}

export class MetricsRepository {
  constructor(private readonly db: ClickHouseAdapter) {}

  async kpis(tenant: string, raw: KpiQuery): Promise<Record<string, unknown>[]> {
    const q = KpiQuerySchema.parse(raw);
    const w = scope(tenant, q).build();
    return this.db.query(
      `SELECT toString(toStartOfInterval(received_at, ${BUCKETS[q.bucket]})) AS bucket, ${GROUPS[q.group_by]} AS key,
         count() AS calls, countIf(status >= 400) AS errors, round(errors / calls, 4) AS error_rate,
         round(quantile(0.5)(duration_ms), 2) AS p50_ms, round(quantile(0.95)(duration_ms), 2) AS p95_ms,
         sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_micros) AS cost_micros
       FROM ${TABLES.calls} ${w.sql}
       GROUP BY bucket, key ORDER BY bucket, key`,
      w.params,
    );
  }

  /** Per workflow step: volume, duration percentiles, time waiting since the previous step of the run, error rate. */
  async steps(tenant: string, raw: RangeQuery): Promise<Record<string, unknown>[]> {
    const w = scope(tenant, RangeSchema.parse(raw)).raw("run_id != ''").build();
    return this.db.query(
      `SELECT workflow, step, count() AS calls,
         round(quantile(0.5)(duration_ms), 2) AS p50_ms, round(quantile(0.95)(duration_ms), 2) AS p95_ms,
         round(avgIf(wait_ms, n > 1), 2) AS avg_wait_ms, round(quantileIf(0.95)(wait_ms, n > 1), 2) AS p95_wait_ms,
         round(countIf(status >= 400) / count(), 4) AS error_rate
       FROM (
         SELECT workflow, step, duration_ms, status,
           row_number() OVER w AS n,
           greatest(0, toUnixTimestamp64Milli(received_at) - lagInFrame(toUnixTimestamp64Milli(received_at) + toInt64(duration_ms)) OVER w) AS wait_ms
         FROM ${TABLES.calls} ${w.sql}
         WINDOW w AS (PARTITION BY run_id ORDER BY received_at, call_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
       )
       GROUP BY workflow, step ORDER BY p95_ms DESC, workflow, step`,
      w.params,
    );
  }

  /** Step → next step within runs: how often, and how long from one call's start to the next's. */
  async transitions(tenant: string, raw: RangeQuery): Promise<Record<string, unknown>[]> {
    const w = scope(tenant, RangeSchema.parse(raw)).raw("run_id != ''").build();
    return this.db.query(
      `SELECT workflow, step AS from_step, next_step AS to_step, count() AS count,
         round(avg(gap_ms), 2) AS avg_ms, round(quantile(0.95)(gap_ms), 2) AS p95_ms
       FROM (
         SELECT workflow, step, run_id,
           leadInFrame(step) OVER w AS next_step,
           leadInFrame(toUnixTimestamp64Milli(received_at)) OVER w - toUnixTimestamp64Milli(received_at) AS gap_ms,
           row_number() OVER w AS n, count() OVER w AS total
         FROM ${TABLES.calls} ${w.sql}
         WINDOW w AS (PARTITION BY run_id ORDER BY received_at, call_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
       )
       WHERE n < total
       GROUP BY workflow, from_step, to_step ORDER BY count DESC, workflow, from_step, to_step`,
      w.params,
    );
  }

  /** A workflow's process map over its newest runs in the range (see process-map.ts). */
  async processMap(tenant: string, raw: ProcessQuery): Promise<ProcessMap> {
    const q = ProcessQuerySchema.parse(raw);
    const w = scope(tenant, q).raw("run_id != ''").build();
    const events = await this.db.query<ProcessEvent>(
      `SELECT run_id, toUnixTimestamp64Milli(received_at) AS start_ms, duration_ms, step, api, requested_model AS model, decision, status
       FROM ${TABLES.calls} FINAL ${w.sql}
         AND run_id IN (SELECT run_id FROM ${TABLES.calls} ${w.sql} GROUP BY run_id ORDER BY max(received_at) DESC LIMIT {max_runs:UInt32})
       ORDER BY run_id, received_at, call_id`,
      { ...w.params, max_runs: q.max_runs + 1 },
    );
    const runs = [...new Set(events.map((e) => e.run_id))];
    const truncated = runs.length > q.max_runs;
    // One run more than allowed was read only to know the map is truncated; the oldest is dropped.
    const kept = truncated ? events.filter((e) => e.run_id !== oldestRun(events)) : events;
    return buildProcessMap(q.workflow, kept.map((e) => ({ ...e, start_ms: Number(e.start_ms), duration_ms: Number(e.duration_ms), status: Number(e.status) })), truncated);
  }
}

function oldestRun(events: readonly ProcessEvent[]): string {
  const last = new Map<string, number>();
  for (const e of events) last.set(e.run_id, Math.max(last.get(e.run_id) ?? 0, Number(e.start_ms)));
  return [...last].sort((a, b) => a[1] - b[1])[0]![0];
}
