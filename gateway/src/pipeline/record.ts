/**
 * The outermost stage: it sees every call's end, refused ones included, and writes down its trace (the store
 * batches it off the request path), counts it in the metrics and charges its cost to the budgets.
 */
import { performance } from 'node:perf_hooks';
import { countAttempts } from '../metrics/gateway-metrics.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import type { Next, Stage } from './stage.js';
import { storeScrubber } from './redact.js';
import { buildTraceRecord } from './trace-record.js';

type RecordDeps = Pick<StageDeps, 'config' | 'metrics' | 'store' | 'exporter' | 'prices' | 'usage' | 'policy'>;

export function recordStage(deps: RecordDeps): Stage {
  const end = (ctx: CallContext): void => {
    deps.metrics.requests.inc({ api: ctx.api, status: String(ctx.error?.status ?? ctx.response?.status ?? 200) });
    if (ctx.model) countAttempts(deps.metrics, ctx.model.name, ctx.attempts);
    const p = ctx.principal;
    if (deps.store || deps.exporter) {
      const scrub = storeScrubber(ctx, deps);
      const { call, spans, body } = buildTraceRecord(ctx, { prices: deps.prices, defaultTenant: deps.config.tenant, now: performance.now(), ...(scrub ? { scrub } : {}) });
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
  };
  const run = (ctx: CallContext, next: Next) => {
    ctx.onEnd.push(end);
    return next();
  };
  // A resumed call is recorded when it ends in the process that resumed it.
  return { id: 'record', run, resume: run };
}
