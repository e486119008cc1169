import { performance } from 'node:perf_hooks';
import { countAttempts } from '../metrics/gateway-metrics.js';
import type { Stage } from './stage.js';
import { buildTraceRecord } from './trace-record.js';

/** Writes the call's trace once it is over; the store batches it off the request path. */
export const recordStage: Stage = {
  id: 'record',
  finish(ctx, deps) {
    deps.metrics.requests.inc({ api: ctx.api, status: String(ctx.error?.status ?? 200) });
    if (ctx.model) countAttempts(deps.metrics, ctx.model.name, ctx.attempts);
    const p = ctx.principal;
    if (deps.store || deps.exporter) {
      const { call, spans, body } = buildTraceRecord(ctx, { prices: deps.prices, defaultTenant: deps.config.tenant, now: performance.now() });
      deps.store?.record(call, spans, body);
      deps.exporter?.export(spans);
      if (p && call.cost_micros) deps.usage.spend([`key:${p.keyId}`, `team:${p.tenant}/${p.team}`], call.cost_micros);
      return;
    }
    // Nothing to record: only the spend figures that budgets read need the cost.
    const o = ctx.outcome;
    if (p && deps.policy && o) {
      const cost = deps.prices.costMicros(o.servedModel, o.usage);
      if (cost) deps.usage.spend([`key:${p.keyId}`, `team:${p.tenant}/${p.team}`], cost);
    }
  },
};
