/**
 * Every call recorded in ClickHouse (embedded chdb): traces with GenAI attributes, per-attempt spans, workflow runs,
 * analytics, key administration with its audit trail — all read back through the admin API.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { loadTranscripts } from './fake-upstream/replay.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;
let client: OpenAI;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(gw.url + path, { ...init, headers: { authorization: `Bearer ${gw.adminKey}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });

async function flush(): Promise<void> {
  await gw.app.airlock.store!.writer.flush();
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gw = await startGateway({ ...fakeUpstreamConfig(upstream), store: { kind: 'embedded', path: 'clickhouse' } });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.userKey, maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('call records', () => {
  it('records a call with usage, cost, workflow context and GenAI spans', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'record me' }] }, { headers: { 'x-airlock-workflow': 'wf', 'x-airlock-run': 'run-1', 'x-airlock-step': 'draft' } })
      .withResponse();
    const id = response.headers.get('x-airlock-call-id')!;
    await new Promise((r) => setTimeout(r, 50));
    await flush();
    const res = await admin(`/admin/calls/${id}`);
    expect(res.status).toBe(200);
    const { call, spans } = (await res.json()) as { call: Record<string, unknown>; spans: { kind: string; attributes: Record<string, string> }[] };
    expect(call).toMatchObject({ call_id: id, team: 'platform', user: 'tester', workflow: 'wf', run_id: 'run-1', step: 'draft', requested_model: 'gpt-test', status: 200, api: 'openai.chat' });
    expect(Number(call.input_tokens)).toBeGreaterThan(0);
    const server = spans.find((s) => s.kind === 'SERVER')!;
    expect(server.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-test', 'gen_ai.system': 'openai' });
    expect(spans.filter((s) => s.kind === 'CLIENT')).toHaveLength(1);
    expect(JSON.stringify(call)).not.toContain('record me');
  });

  it('records a passed-through answer it could not read as an error finish, with the status the caller got', async () => {
    upstream.behave({ kind: 'raw', body: 'upstream garbage' }, 1);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.userKey}` },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(await res.text()).toBe('upstream garbage');
    const id = res.headers.get('x-airlock-call-id')!;
    await new Promise((r) => setTimeout(r, 50));
    await flush();
    const { call, spans } = (await (await admin(`/admin/calls/${id}`)).json()) as { call: Record<string, unknown>; spans: { kind: string; attributes: Record<string, string> }[] };
    expect(call).toMatchObject({ call_id: id, status: 200 });
    expect(spans.find((s) => s.kind === 'SERVER')!.attributes['gen_ai.response.finish_reasons']).toBe('error');
  });

  it('records failures and streams, and lists them with filters', async () => {
    await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    const stream = await client.chat.completions.create({ model: 'claude-test', stream: true, messages: [{ role: 'user', content: 'stream me' }] }, { headers: { 'x-airlock-run': 'run-1', 'x-airlock-step': 'review', 'x-airlock-workflow': 'wf' } });
    for await (const _ of stream) {
      // drain
    }
    await new Promise((r) => setTimeout(r, 50));
    await flush();
    const errors = (await (await admin('/admin/calls?status=error')).json()) as { calls: { requested_model: string; status: number; error_code: string }[] };
    expect(errors.calls[0]).toMatchObject({ requested_model: 'nope', status: 404, error_code: 'GW_ERR_UNKNOWN_MODEL' });
    const run = (await (await admin('/admin/runs/run-1')).json()) as { calls: { step: string; stream: boolean }[] };
    expect(run.calls.map((c) => c.step)).toEqual(['draft', 'review']);
    expect(run.calls[1]!.stream).toBe(true);
  });

  it('serves KPIs, steps and transitions', async () => {
    const kpis = (await (await admin('/admin/metrics/kpis?bucket=day&group_by=model')).json()) as { rows: { key: string; calls: number }[] };
    expect(kpis.rows.find((r) => r.key === 'gpt-test')).toBeTruthy();
    const steps = (await (await admin('/admin/metrics/steps?workflow=wf')).json()) as { rows: { step: string }[] };
    expect(steps.rows.map((r) => r.step).sort()).toEqual(['draft', 'review']);
    const transitions = (await (await admin('/admin/metrics/transitions')).json()) as { rows: { from_step: string; to_step: string }[] };
    expect(transitions.rows).toEqual([expect.objectContaining({ from_step: 'draft', to_step: 'review' })]);
  });

  it('validates admin query parameters', async () => {
    const res = await admin('/admin/calls?limit=0');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('limit');
  });

  it('keeps admin routes from ordinary keys', async () => {
    const res = await fetch(`${gw.url}/admin/calls`, { headers: { authorization: `Bearer ${gw.userKey}` } });
    expect(res.status).toBe(403);
  });
});

describe('usage is never recorded as free', () => {
  /** The call's record, once written (a count by the tokenizer loads it first, which takes a moment). */
  async function recorded(id: string): Promise<{ call: Record<string, unknown>; spans: { kind: string; attributes: Record<string, string> }[] }> {
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await flush();
      const res = await admin(`/admin/calls/${id}`);
      if (res.status === 200 || i > 100) return (await res.json()) as { call: Record<string, unknown>; spans: { kind: string; attributes: Record<string, string> }[] };
    }
  }

  /** Streams a recorded transcript through a plain SDK stream and returns the call's record. */
  async function replayed(name: string, model: string, prompt: string): ReturnType<typeof recorded> {
    upstream.behave({ kind: 'replay', transcript: loadTranscripts().find((t) => t.name === name)! }, 1);
    const { data, response } = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: prompt }] }).withResponse();
    for await (const _ of data) {
      // drain
    }
    return recorded(response.headers.get('x-airlock-call-id')!);
  }

  it('asks the upstream for usage on a plain SDK stream, records it, and keeps the usage chunk from the client', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'count my tokens please' }] })
      .withResponse();
    let usageChunks = 0;
    let emptyChoices = 0;
    for await (const chunk of data) {
      if (chunk.usage) usageChunks++;
      if (!chunk.choices.length) emptyChoices++;
    }
    expect(usageChunks + emptyChoices).toBe(0);
    expect(upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    const { call, spans } = await recorded(response.headers.get('x-airlock-call-id')!);
    expect(Number(call.input_tokens)).toBeGreaterThan(0);
    expect(Number(call.output_tokens)).toBeGreaterThan(0);
    expect((call.labels as Record<string, string>)['airlock.usage']).toBeUndefined();
    expect(spans.find((s) => s.kind === 'SERVER')!.attributes['airlock.usage.estimated']).toBeUndefined();
  });

  it('counts the tokens with a tokenizer when the provider reports none, and marks them as estimated', async () => {
    const { call, spans } = await replayed('openai-compatible-chat-stream-without-usage', 'gpt-test', 'a question of about ten tokens in all, roughly');
    // "Sure, here is a short answer." is 8 tokens in o200k_base; the prompt 10, plus chat framing.
    expect(Number(call.output_tokens)).toBe(8);
    expect(Number(call.input_tokens)).toBe(10 + 4 + 3);
    expect((call.labels as Record<string, string>)['airlock.usage']).toBe('estimated');
    expect(spans.find((s) => s.kind === 'SERVER')!.attributes['airlock.usage.estimated']).toBe('true');
  });

  it('records the final message_delta usage of an Anthropic stream, not message_start\'s', async () => {
    const { call } = await replayed('anthropic-web-search-citations-stream', 'claude-test', 'search');
    expect(Number(call.input_tokens)).toBe(31772);
    expect(Number(call.output_tokens)).toBe(412);
  });
});

describe('keys in ClickHouse with an audit trail', () => {
  it('creates and revokes keys through the admin API, each act audited, the chain verifiable', async () => {
    const created = await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ team: 'risk', user: 'bob', roles: ['analyst'] }) });
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    const analyst = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    expect((await analyst.models.list()).data.length).toBeGreaterThan(0);
    expect((await fetch(`${gw.url}/admin/calls`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await admin(`/admin/keys/${id}/revoke`, { method: 'POST' })).status).toBe(200);
    await expect(analyst.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const verify = (await (await admin('/admin/audit/verify')).json()) as { ok: boolean; entries: number };
    expect(verify.ok).toBe(true);
    const jsonl = await (await admin('/admin/audit/export?format=jsonl')).text();
    const actions = jsonl.trim().split('\n').map((l) => (JSON.parse(l) as { action: string; subject: string }));
    expect(actions.filter((a) => a.subject === id).map((a) => a.action)).toEqual(['key.created', 'key.revoked']);
    const csv = await (await admin('/admin/audit/export?format=csv')).text();
    expect(csv.split('\n')[0]).toBe('tenant,seq,at,actor,action,subject,details,prev_hash,hash,mac');
  });
});

describe('OpenTelemetry', () => {
  it('accepts an agent\'s OTLP/HTTP JSON spans, which join the call\'s trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { response } = await client.chat.completions
      .create({ model: 'demo-1', messages: [{ role: 'user', content: 'traced' }] }, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } })
      .withResponse();
    const callId = response.headers.get('x-airlock-call-id');
    const now = BigInt(Date.now()) * 1_000_000n;
    const res = await fetch(`${gw.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'invoice-agent' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId,
                    spanId: '00f067aa0ba902b7',
                    name: 'agent step: extract',
                    kind: 1,
                    startTimeUnixNano: String(now - 5_000_000n),
                    endTimeUnixNano: String(now),
                    attributes: [{ key: 'agent.tool', value: { stringValue: 'ocr' } }],
                    status: { code: 1 },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: {} });
    await new Promise((r) => setTimeout(r, 50));
    await flush();
    const { spans } = (await (await admin(`/admin/traces/${traceId}`)).json()) as { spans: { name: string; kind: string; call_id: string; parent_span_id: string; attributes: Record<string, string> }[] };
    const agent = spans.find((s) => s.name === 'agent step: extract')!;
    expect(agent.attributes).toMatchObject({ 'resource.service.name': 'invoice-agent', 'agent.tool': 'ocr' });
    const server = spans.find((s) => s.call_id === callId && s.kind === 'SERVER')!;
    expect(server.parent_span_id).toBe('00f067aa0ba902b7');
  });

  it('accepts OTLP/HTTP protobuf from the official protobuf exporter (the Python, Go and Java default)', async () => {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    const { BasicTracerProvider, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const { resourceFromAttributes } = await import('@opentelemetry/resources');
    const exporter = new OTLPTraceExporter({ url: `${gw.url}/v1/traces`, headers: { authorization: `Bearer ${gw.userKey}` } });
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'python-agent' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('agent').startSpan('agent step: classify', {
      attributes: { 'agent.tool': 'classifier', 'agent.retries': 3, 'agent.cached': true, 'agent.labels': ['a', 'b'], 'agent.score': 0.25 },
    });
    span.setStatus({ code: 2, message: 'classifier timed out' });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    await flush();
    const { traceId, spanId } = span.spanContext();
    const { spans } = (await (await admin(`/admin/traces/${traceId}`)).json()) as { spans: { span_id: string; name: string; kind: string; status_code: string; status_message: string; attributes: Record<string, string> }[] };
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ span_id: spanId, name: 'agent step: classify', kind: 'INTERNAL', status_code: 'ERROR', status_message: 'classifier timed out' });
    expect(spans[0]!.attributes).toMatchObject({ 'resource.service.name': 'python-agent', 'agent.tool': 'classifier', 'agent.retries': '3', 'agent.cached': 'true', 'agent.labels': '["a","b"]', 'agent.score': '0.25' });
  });

  it('rejects malformed protobuf with a 400, and protobuf on a model route with a 415', async () => {
    const bad = await fetch(`${gw.url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/x-protobuf' }, body: new Uint8Array([0x0a, 0x05, 0x0a]) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/Invalid OTLP protobuf trace export: truncated/);
    const model = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/x-protobuf' }, body: new Uint8Array([1, 2]) });
    expect(model.status).toBe(415);
  });

  it('rejects a malformed OTLP export with a 400 naming the field', async () => {
    const res = await fetch(`${gw.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: '1', name: 'n', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('traceId');
  });

  it('exports the gateway\'s spans to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const received: unknown[] = [];
    const { createServer } = await import('node:http');
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url, body: JSON.parse(body) as unknown });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
    const gw2 = await startGateway(fakeUpstreamConfig(upstream), { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    const c = new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 });
    await c.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'export me' }] });
    await new Promise((r) => setTimeout(r, 50));
    await gw2.close();
    collector.close();
    expect(received).toHaveLength(1);
    const exported = received[0] as { path: string; body: { resourceSpans: { scopeSpans: { spans: { name: string; kind: number; attributes: { key: string }[] }[] }[] }[] } };
    expect(exported.path).toBe('/v1/traces');
    const spans = exported.body.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans.map((s) => [s.name, s.kind])).toEqual([['chat gpt-test', 2], ['chat gpt-upstream', 3]]);
    expect(spans[0]!.attributes.map((a) => a.key)).toContain('gen_ai.usage.input_tokens');
  });
});
