import { describe, expect, it } from 'vitest';
import { bufferedAnswer, callContext, nextGiving } from '../../test/helpers/stage-kit.js';
import { contextStage, parseTraceparent, readWorkflow } from './context.js';

describe('context stage', () => {
  it('validates the body and reads the model, the stream flag and the workflow headers', () => {
    const ctx = callContext({
      rawBody: { model: 'gpt-x', stream: true, messages: [{ role: 'user', content: 'hi' }], extra_param: 1 },
      headers: { 'x-airlock-workflow': ' loans ', 'x-airlock-run': 'r1', 'x-airlock-step': 'score', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    const next = nextGiving(bufferedAnswer({}));
    contextStage.run(ctx, next);
    expect(next.calls).toBe(1);
    expect(ctx.requestedModel).toBe('gpt-x');
    expect(ctx.stream).toBe(true);
    // Parameters the gateway does not know pass through.
    expect(ctx.body.extra_param).toBe(1);
    expect(ctx.workflow).toEqual({ id: 'loans', run: 'r1', step: 'score', traceId: '0af7651916cd43dd8448eb211c80319c', parentSpanId: 'b7ad6b7169203331' });
  });

  it('a body that does not validate is a 400 naming the field, and nothing after runs', () => {
    const next = nextGiving(bufferedAnswer({}));
    expect(() => contextStage.run(callContext({ rawBody: { model: 'gpt-x', messages: [] } }), next)).toThrow(expect.objectContaining({ status: 400, param: 'messages' }));
    expect(() => contextStage.run(callContext({ rawBody: [1, 2] }), next)).toThrow(/must be a JSON object/);
    expect(next.calls).toBe(0);
  });

  it('ignores invalid trace context and cuts overlong ids', () => {
    expect(parseTraceparent('ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBeNull();
    expect(parseTraceparent('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBeNull();
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01')).toBeNull();
    expect(parseTraceparent('garbage')).toBeNull();
    expect(readWorkflow({ 'x-airlock-step': 'x'.repeat(500) }).step).toHaveLength(200);
  });
});
