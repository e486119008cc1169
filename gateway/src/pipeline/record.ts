import { performance } from 'node:perf_hooks';
import type { Stage } from './stage.js';
import { buildTraceRecord } from './trace-record.js';

/** Writes the call's trace once it is over; the store batches it off the request path. */
export const recordStage: Stage = {
  id: 'record',
  finish(ctx, deps) {
    if (!deps.store && !deps.exporter) return;
    const { call, spans, body } = buildTraceRecord(ctx, { prices: deps.prices, defaultTenant: deps.config.tenant, now: performance.now() });
    deps.store?.record(call, spans, body);
    deps.exporter?.export(spans);
  },
};
