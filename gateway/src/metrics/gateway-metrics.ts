/**
 * The gateway's own metrics, exposed at GET /metrics in Prometheus' text format.
 */
import type { TraceStore } from '@airlock/clickhouse';
import type { AttemptRecord, Router } from '../routing/router.js';
import { Counter, Gauge, Histogram, MetricsRegistry } from './registry.js';

const STORE_OUTCOMES = [
  ['written', 'written'],
  ['replayed', 'replayed'],
  ['backlogged', 'backlogged'],
  ['dead_lettered', 'deadLettered'],
  ['skipped_present', 'skippedPresent'],
] as const;

const BREAKER_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export interface GatewayMetrics {
  readonly registry: MetricsRegistry;
  readonly requests: Counter;
  readonly attempts: Counter;
  readonly attemptLatency: Histogram;
  readonly stageSeconds: Histogram;
}

/** Stage times run from microseconds (a header read) to minutes (an upstream that takes its time). */
const STAGE_BUCKETS_S = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120];

export function createGatewayMetrics(router: Router, store: TraceStore | null = null): GatewayMetrics {
  const registry = new MetricsRegistry();
  const requests = registry.register(new Counter('airlock_requests_total', 'Calls answered, by API and HTTP status', ['api', 'status']));
  const attempts = registry.register(new Counter('airlock_upstream_attempts_total', 'Upstream attempts, by model, deployment and result', ['model', 'deployment', 'result']));
  const attemptLatency = registry.register(
    new Histogram('airlock_upstream_attempt_duration_ms', 'Time from sending an attempt to its response starting (ms)', ['deployment']),
  );
  const stageSeconds = registry.register(
    new Histogram('airlock_stage_seconds', 'Time each pipeline stage spent before handing on or answering (s)', ['stage'], STAGE_BUCKETS_S),
  );
  registry.register(
    new Gauge('airlock_deployment_breaker_state', 'Circuit breaker per deployment: 0 closed, 1 half-open, 2 open', ['deployment'], (g) => {
      for (const d of router.health()) g.set({ deployment: d.id }, BREAKER_VALUE[d.breaker]);
    }),
  );
  registry.register(
    new Gauge('airlock_deployment_latency_ewma_ms', 'Moving average of recent attempt latency per deployment (ms)', ['deployment'], (g) => {
      for (const d of router.health()) if (d.latencyEwmaMs !== null) g.set({ deployment: d.id }, d.latencyEwmaMs);
    }),
  );
  if (store) {
    const stats = store.writer.stats;
    registry.register(
      new Gauge('airlock_store_rows', 'Rows the trace store handled since start, by outcome (dead_lettered: refused by ClickHouse for their data, kept in the dead-letter file)', ['outcome'], (g) => {
        for (const [outcome, stat] of STORE_OUTCOMES) g.set({ outcome }, stats[stat]);
      }),
    );
    registry.register(new Gauge('airlock_store_fields_altered', 'Recorded fields made fit for their column (lone surrogates, NaN, bad dates…)', [], (g) => g.set({}, stats.altered)));
    registry.register(new Gauge('airlock_store_degraded', '1 while recorded rows wait in the write-ahead backlog for ClickHouse', [], (g) => g.set({}, store.writer.degraded ? 1 : 0)));
  }
  return { registry, requests, attempts, attemptLatency, stageSeconds };
}

/** A call's upstream attempts, counted once the call is over: off the path of the answer. */
export function countAttempts(metrics: GatewayMetrics, model: string, attempts: readonly AttemptRecord[]): void {
  for (const a of attempts) {
    metrics.attempts.inc({ model, deployment: a.deploymentId, result: a.ok ? 'ok' : (a.error?.kind ?? 'error') });
    metrics.attemptLatency.observe({ deployment: a.deploymentId }, a.durationMs);
  }
}
