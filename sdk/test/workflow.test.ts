/**
 * The SDK against a real gateway (demo model, embedded store): wrapped official clients and plain fetch carry the
 * workflow context of the step they run in, and the run's step spans land in the same trace as the gateway's.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAirlock, currentContext, type Airlock } from '../src/index.js';
import { eventually, startGateway, type TestGateway } from './helpers/gateway.js';

let gw: TestGateway;
let airlock: Airlock;

interface CallRow {
  call_id: string;
  workflow: string;
  run_id: string;
  step: string;
  trace_id: string;
}
interface SpanRow {
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: string;
  attributes: Record<string, string>;
}

/** A run or trace the store holds nothing of yet answers 404: null, so that `eventually` polls on. */
const admin = async <T>(path: string): Promise<T | null> => {
  const res = await fetch(gw.url + path, { headers: { authorization: `Bearer ${gw.adminKey}` } });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
};

beforeAll(async () => {
  gw = await startGateway();
  airlock = createAirlock({ baseURL: gw.url, apiKey: gw.userKey });
});
afterAll(async () => {
  await gw?.close();
});

describe('workflow runs', () => {
  it('tags every call with its workflow, run and step, and puts step spans in the calls\' trace', async () => {
    const openai = airlock.wrap(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.userKey, maxRetries: 0 }));
    const anthropic = airlock.wrap(new Anthropic({ baseURL: gw.url, apiKey: gw.userKey, maxRetries: 0 }));
    const seen: string[] = [];
    const run = await airlock.workflow('loan-application').run(async (r) => {
      await r.step('data-capture', async () => {
        const { response } = await openai.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'Extract the fields' }] }).withResponse();
        seen.push(response.headers.get('x-airlock-call-id')!);
        expect(response.headers.get('x-airlock-step')).toBe('data-capture');
      });
      await new Promise((res) => setTimeout(res, 30)); // the wait between steps the bottleneck view shows
      await r.step('identity-verification', async () => {
        const stream = anthropic.messages.stream({ model: 'demo-1', max_tokens: 50, messages: [{ role: 'user', content: 'Check the document' }] });
        const { response } = await stream.withResponse();
        seen.push(response.headers.get('x-airlock-call-id')!);
        await stream.finalMessage();
      });
      await r.step('credit-evaluation', async () => {
        const res = await fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { ...airlock.headers(), authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'demo-1', messages: [{ role: 'user', content: 'score' }] }),
        });
        expect(res.status).toBe(200);
        seen.push(res.headers.get('x-airlock-call-id')!);
      });
      return r;
    });

    const { calls } = await eventually(async () => {
      const page = await admin<{ calls: CallRow[] }>(`/admin/runs/${run.id}`);
      return page?.calls.length === 3 ? page : null;
    });
    expect(calls.map((c) => c.step)).toEqual(['data-capture', 'identity-verification', 'credit-evaluation']);
    expect(new Set(calls.map((c) => c.call_id))).toEqual(new Set(seen));
    expect(calls.every((c) => c.workflow === 'loan-application' && c.trace_id === run.traceId)).toBe(true);

    const { spans } = await eventually(async () => {
      const t = await admin<{ spans: SpanRow[] }>(`/admin/traces/${run.traceId}`);
      return t?.spans.filter((s) => s.attributes['airlock.span_kind']).length === 4 ? t : null;
    });
    const root = spans.find((s) => s.attributes['airlock.span_kind'] === 'run')!;
    expect(root).toMatchObject({ name: 'run loan-application', parent_span_id: '' });
    const steps = spans.filter((s) => s.attributes['airlock.span_kind'] === 'step');
    expect(steps.map((s) => s.attributes['airlock.step']).sort()).toEqual(['credit-evaluation', 'data-capture', 'identity-verification']);
    expect(steps.every((s) => s.parent_span_id === root.span_id)).toBe(true);
    // The gateway's server span for each call hangs under the step that made it.
    const stepIds = new Set(steps.map((s) => s.span_id));
    const servers = spans.filter((s) => s.kind === 'SERVER');
    expect(servers).toHaveLength(3);
    expect(servers.every((s) => stepIds.has(s.parent_span_id))).toBe(true);
  });

  it('records a failed step as an error span and rethrows', async () => {
    let traceId = '';
    const failure = await airlock
      .workflow('loan-application')
      .run(async (r) => {
        traceId = r.traceId;
        await r.step('bot-execution', () => {
          throw new Error('system of record is down');
        });
      })
      .catch((e: unknown) => e);
    expect((failure as Error).message).toBe('system of record is down');
    const { spans } = await eventually(async () => {
      const t = await admin<{ spans: (SpanRow & { status_code: string; status_message: string })[] }>(`/admin/traces/${traceId}`);
      return t?.spans.length === 2 ? t : null;
    });
    expect(spans.every((s) => s.status_code === 'ERROR')).toBe(true);
    expect(spans[0]!.status_message).toContain('system of record is down');
  });

  it('keeps concurrent runs apart, and a call outside any run carries nothing', async () => {
    const wf = airlock.workflow('parallel');
    const contexts = await Promise.all(
      ['a', 'b', 'c'].map((name) => wf.run((r) => r.step(name, async () => {
        await new Promise((res) => setTimeout(res, 5));
        return { ...currentContext(), headers: airlock.headers() };
      }))),
    );
    expect(contexts.map((c) => c.step)).toEqual(['a', 'b', 'c']);
    expect(new Set(contexts.map((c) => c.run)).size).toBe(3);
    expect(contexts[0]!.headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(airlock.headers()).toEqual({});
    expect(airlock.headers({ workflow: 'w', step: 's' })).toEqual({ 'x-airlock-workflow': 'w', 'x-airlock-step': 's' });
  });

  it('lets a call name its own step, and wrap() refuses what it cannot wrap', async () => {
    const openai = airlock.wrap(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.userKey, maxRetries: 0 }), { workflow: 'fixed' });
    const { response } = await openai.chat.completions
      .create({ model: 'demo-1', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-airlock-step': 'named' } })
      .withResponse();
    expect(response.headers.get('x-airlock-workflow')).toBe('fixed');
    expect(response.headers.get('x-airlock-step')).toBe('named');
    expect(() => airlock.wrap({} as never)).toThrow(/withOptions/);
  });
});
