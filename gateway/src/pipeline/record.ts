import { performance } from 'node:perf_hooks';
import type { Stage } from './stage.js';
import { buildTraceRecord } from './trace-record.js';

/** Writes the call's trace once it is over; the store batches it off the request path. */
export const recordStage: Stage = {
  id: 'record',
  finish(ctx, deps) {
    if (!deps.store && !deps.exporter && !ctx.principal) return;
    const { call, spans, body } = buildTraceRecord(ctx, { prices: deps.prices, defaultTenant: deps.config.tenant, now: performance.now() });
    deps.store?.record(call, spans, body);
    if (ctx.principal && call.cost_micros) deps.usage.spend([`key:${ctx.principal.keyId}`, `team:${ctx.principal.tenant}/${ctx.principal.team}`], call.cost_micros);
    deps.exporter?.export(spans);
  },
};
