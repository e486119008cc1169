import { describe, expect, it } from 'vitest';
import { PriceTable, type BodyRow, type CallRow, type SpanRow, type TraceStore } from '@airlock/clickhouse';
import { createGatewayMetrics } from '../metrics/gateway-metrics.js';
import { UsageTracker } from '../policy/usage.js';
import { Router } from '../routing/router.js';
import { Sealer } from '../crypto/sealed.js';
import { GatewayError } from '../errors.js';
import { bufferedAnswer, callContext, config } from '../../test/helpers/stage-kit.js';
import { Pipeline } from './pipeline.js';
import { recordStage } from './record.js';
import type { Answer } from './stage.js';

function recorder() {
  const rows: { call: CallRow; spans: SpanRow[]; body: BodyRow | undefined }[] = [];
  const store = { record: (call: CallRow, spans: SpanRow[], body?: BodyRow) => rows.push({ call, spans, body }) } as unknown as TraceStore;
  const metrics = createGatewayMetrics(new Router());
  const stage = recordStage({ config: config(), metrics, store, exporter: null, prices: PriceTable.load(), usage: new UsageTracker(), policy: null });
  return { rows, metrics, stage };
}

describe('record stage', () => {
  it('records nothing until the call is over, then the call once, with each stage\'s time on its span', () => {
    const { rows, metrics, stage } = recorder();
    const pipeline = new Pipeline('model', [stage, { id: 'answer', run: () => bufferedAnswer({ ok: 1 }) }], metrics.stageSeconds, new Sealer({ key: undefined, file: '/nonexistent' }));
    const ctx = callContext();
    ctx.requestedModel = 'gpt-x';
    pipeline.run(ctx);
    expect(rows).toHaveLength(0);
    pipeline.end(ctx);
    pipeline.end(ctx);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.call).toMatchObject({ call_id: ctx.id, status: 200, requested_model: 'gpt-x' });
    expect(Object.keys(rows[0]!.spans[0]!.attributes)).toContain('airlock.stage.answer.ms');
    expect(metrics.registry.render()).toContain('airlock_requests_total{api="openai.chat",status="200"} 1');
    expect(metrics.registry.render()).toMatch(/airlock_stage_seconds_count\{stage="answer"\} 1/);
  });

  it('records a refused call with its error, and an API call with the status its system answered', () => {
    const { rows, metrics, stage } = recorder();
    const refused = new Pipeline('model', [stage, { id: 'refuse', run: () => { throw new GatewayError('GW_ERR_FORBIDDEN', 'no'); } }], metrics.stageSeconds, new Sealer({ key: undefined, file: '/nonexistent' }));
    const ctx = callContext();
    expect(() => refused.run(ctx)).toThrow();
    ctx.error = { code: 'GW_ERR_FORBIDDEN', message: 'no', status: 403 };
    refused.end(ctx);
    expect(rows[0]!.call).toMatchObject({ status: 403, error_code: 'GW_ERR_FORBIDDEN' });

    const api = new Pipeline('api', [stage, { id: 'forward', run: () => bufferedAnswer('', 201) }], metrics.stageSeconds, new Sealer({ key: undefined, file: '/nonexistent' }));
    const call = callContext({ api: 'http' });
    call.response = api.run(call) as Answer;
    api.end(call);
    expect(rows[1]!.call.status).toBe(201);
  });
});
