/**
 * Policy on the model's answer, through the real gateway with the default bundle and the official SDKs: a tool call
 * the model returns is decided before the agent sees it (input.phase "response"); a refused one is removed from
 * buffered and streamed answers alike, in each API and across translated routes, with a text saying why and with
 * finish reasons and indices the SDKs accept; tool calls in the request's history are never held again. The
 * gateways here have no approval store, so a held call is refused like a denied one (response-approvals.test.ts
 * holds them for approvers).
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BUNDLE_DIR } from '@airlock/policies';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeToolCall, type FakeUpstream } from './fake-upstream/index.js';
import { loadTranscripts } from './fake-upstream/replay.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;
let audited: TestGateway;
let strict: TestGateway;

const EMAIL_OUT: FakeToolCall = { name: 'send_email', arguments: { to: 'eve@evil.test', subject: 'hi' } };
const EMAIL_IN: FakeToolCall = { name: 'send_email', arguments: { to: 'bob@example.com', subject: 'hi' } };
const DELETE: FakeToolCall = { name: 'delete_customer', arguments: { id: 7 } };
const LOOKUP: FakeToolCall = { name: 'lookup_order', arguments: { order_id: '42' } };
const HELD_EMAIL = /\[Airlock\] The tool call "send_email" was not run: it requires approval \(tool "send_email" sends email outside the company to eve@evil\.test; approver role: approver\)/;
const HELD_DELETE = /\[Airlock\] The tool call "delete_customer" was not run: it requires approval \(tool "delete_customer" deletes data/;

const TOOL_NAMES = ['send_email', 'delete_customer', 'lookup_order', 'get_weather', 'get_time'];
const parameters = { type: 'object', properties: {} } as const;
const chatTools: OpenAI.Chat.ChatCompletionFunctionTool[] = TOOL_NAMES.map((name) => ({ type: 'function', function: { name, parameters } }));
const anthropicTools: Anthropic.Tool[] = TOOL_NAMES.map((name) => ({ name, input_schema: parameters }));
const responsesTools: OpenAI.Responses.FunctionTool[] = TOOL_NAMES.map((name) => ({ type: 'function', name, parameters, strict: false }));

const openai = (g: TestGateway) => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: g.userKey, maxRetries: 0 });
const anthropic = (g: TestGateway) => new Anthropic({ baseURL: g.url, apiKey: g.userKey, maxRetries: 0 });

function script(text: string | undefined, ...toolCalls: FakeToolCall[]): void {
  upstream.behave({ kind: 'ok', ...(text === undefined ? {} : { text }), toolCalls }, 1);
}

async function auditDecisions(g: TestGateway): Promise<{ phase: string; decision: string; tool?: string }[]> {
  await g.app.airlock.store!.writer.flush();
  const jsonl = await (await fetch(`${g.url}/admin/audit/export?format=jsonl`, { headers: { authorization: `Bearer ${g.adminKey}` } })).text();
  return jsonl
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { action: string; details: string })
    .filter((e) => e.action === 'policy.decision')
    .map((e) => JSON.parse(e.details) as { phase: string; decision: string; tool?: string });
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.setEventDelay(1);
  // The default bundle, plus a rule denying get_time in answers (to decide real recorded traffic).
  const dir = await mkdtemp(join(tmpdir(), 'airlock-respphase-'));
  await cp(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
  await writeFile(
    join(dir, 'clock.rego'),
    'package airlock\n\nimport rego.v1\n\ndeny contains "the clock is off limits" if {\n\tinput.phase == "response"\n\tsome call in input.call.tool_calls\n\tcall.name == "get_time"\n}\n',
  );
  gw = await startGateway({ ...fakeUpstreamConfig(upstream), policy: { bundle: dir, watch: false } });
  audited = await startGateway({ ...fakeUpstreamConfig(upstream), store: { kind: 'embedded', path: 'clickhouse' }, policy: { bundle: dir, watch: false } });
  strict = await startGateway({ ...fakeUpstreamConfig(upstream), policy: { bundle: dir, watch: false, refused_tool_calls: 'error' } });
});
afterAll(async () => {
  await gw.close();
  await audited.close();
  await strict.close();
  await upstream.close();
});

describe('Chat Completions', () => {
  it('buffered: a held tool call is removed, the text says why, finish_reason becomes stop', async () => {
    script('Sending it now.', EMAIL_OUT);
    const res = await openai(gw).chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'mail eve' }] });
    const choice = res.choices[0]!;
    expect(choice.message.tool_calls).toBeUndefined();
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.content).toMatch(/^Sending it now\.\n\n/);
    expect(choice.message.content).toMatch(HELD_EMAIL);
  });

  it('buffered: of parallel calls only the refused one goes; the rest keep finish_reason tool_calls', async () => {
    script(undefined, DELETE, LOOKUP);
    const res = await openai(gw).chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] });
    const choice = res.choices[0]!;
    expect(choice.message.tool_calls!.map((c) => c.type === 'function' && c.function.name)).toEqual(['lookup_order']);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toMatch(HELD_DELETE);
  });

  it('buffered: an allowed tool call reaches the agent untouched', async () => {
    script(undefined, EMAIL_IN);
    const res = await openai(gw).chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] });
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual(EMAIL_IN.arguments);
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(res.choices[0]!.message.content).toBeNull();
  });

  it('streamed: text flows, the refused call never streams, indices stay dense for the SDK', async () => {
    script('Working on it. ', DELETE, LOOKUP, EMAIL_OUT);
    const stream = openai(gw).chat.completions.stream({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } });
    const indices: number[] = [];
    stream.on('chunk', (chunk) => {
      for (const c of chunk.choices[0]?.delta.tool_calls ?? []) indices.push(c.index);
    });
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.message.tool_calls!.map((c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)])).toEqual([['lookup_order', LOOKUP.arguments]]);
    expect(indices).toEqual([0]);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toMatch(/^Working on it\. \n\n/);
    expect(choice.message.content).toMatch(HELD_DELETE);
    expect(choice.message.content).toMatch(HELD_EMAIL);
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streamed: every call refused → finish_reason stop and a plain text answer', async () => {
    script(undefined, EMAIL_OUT);
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of await openai(gw).chat.completions.create({ model: 'gpt-test', stream: true, tools: chatTools, messages: [{ role: 'user', content: 'x' }] })) chunks.push(chunk);
    expect(chunks.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toMatch(HELD_EMAIL);
  });

  it('a real recorded parallel-tools stream: the denied call goes, the other stays at index 0', async () => {
    const transcript = loadTranscripts().find((t) => t.name === 'openai-chat-tools-parallel-stream')!;
    upstream.behave({ kind: 'replay', transcript }, 1);
    const final = await openai(gw).chat.completions.stream({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'weather and time in Paris' }] }).finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.message.tool_calls!.map((c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)])).toEqual([['get_weather', { city: 'Paris', unit: 'c' }]]);
    expect(choice.message.content).toContain('[Airlock] The tool call "get_time" was not run: it was denied by policy (the clock is off limits).');
  });

  it('translated (Chat client, Anthropic upstream), streamed and buffered', async () => {
    script('Sure. ', EMAIL_OUT, LOOKUP);
    const streamed = await openai(gw).chat.completions.stream({ model: 'claude-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion();
    expect(streamed.choices[0]!.message.tool_calls!.map((c) => c.type === 'function' && c.function.name)).toEqual(['lookup_order']);
    expect(streamed.choices[0]!.message.content).toMatch(HELD_EMAIL);
    script(undefined, EMAIL_OUT);
    const buffered = await openai(gw).chat.completions.create({ model: 'claude-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] });
    expect(buffered.choices[0]!.message.tool_calls).toBeUndefined();
    expect(buffered.choices[0]!.finish_reason).toBe('stop');
    expect(buffered.choices[0]!.message.content).toMatch(HELD_EMAIL);
  });
});

describe('Anthropic Messages', () => {
  it('buffered: the tool_use block goes, a text block says why, stop_reason end_turn', async () => {
    script('On it.', EMAIL_OUT);
    const msg = await anthropic(gw).messages.create({ model: 'claude-test', max_tokens: 100, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] });
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'text']);
    expect(msg.stop_reason).toBe('end_turn');
    expect((msg.content[1] as Anthropic.TextBlock).text).toMatch(HELD_EMAIL);
  });

  it('streamed: block indices stay consecutive, the allowed call keeps stop_reason tool_use', async () => {
    script('Let me check. ', DELETE, LOOKUP);
    const stream = anthropic(gw).messages.stream({ model: 'claude-test', max_tokens: 100, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] });
    const starts: number[] = [];
    stream.on('streamEvent', (e) => {
      if (e.type === 'content_block_start') starts.push(e.index);
    });
    const msg = await stream.finalMessage();
    expect(starts).toEqual([0, 1, 2]);
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'text']);
    expect(msg.content[1]).toMatchObject({ type: 'tool_use', name: 'lookup_order', input: LOOKUP.arguments });
    expect((msg.content[2] as Anthropic.TextBlock).text).toMatch(HELD_DELETE);
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('streamed: the only call refused → end_turn', async () => {
    script(undefined, DELETE);
    const msg = await anthropic(gw).messages.stream({ model: 'claude-test', max_tokens: 100, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['text']);
    expect(msg.stop_reason).toBe('end_turn');
  });

  it('translated (Messages client, OpenAI upstream), streamed', async () => {
    script('Fine. ', EMAIL_OUT);
    const msg = await anthropic(gw).messages.stream({ model: 'gpt-test', max_tokens: 100, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    expect(msg.content.some((b) => b.type === 'tool_use')).toBe(false);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toMatch(HELD_EMAIL);
  });
});

describe('Responses', () => {
  it('buffered: the function_call item goes, a message item says why', async () => {
    script(undefined, EMAIL_OUT, LOOKUP);
    const res = await openai(gw).responses.create({ model: 'gpt-test', tools: responsesTools, input: 'x' });
    expect(res.output.filter((i) => i.type === 'function_call').map((i) => i.type === 'function_call' && i.name)).toEqual(['lookup_order']);
    expect(res.output_text).toMatch(HELD_EMAIL);
  });

  it('streamed: output indices and sequence numbers stay dense; the final response agrees', async () => {
    script('Checking. ', EMAIL_OUT, LOOKUP);
    const stream = openai(gw).responses.stream({ model: 'gpt-test', tools: responsesTools, input: 'x' });
    const seq: number[] = [];
    const added: number[] = [];
    stream.on('event', (e) => {
      seq.push(e.sequence_number);
      if (e.type === 'response.output_item.added') added.push(e.output_index);
    });
    const final = await stream.finalResponse();
    expect(seq).toEqual(seq.map((_, i) => i));
    expect(added).toEqual([0, 1, 2]);
    expect(final.output.map((i) => i.type)).toEqual(['message', 'function_call', 'message']);
    expect(final.output.some((i) => i.type === 'function_call' && i.name === 'send_email')).toBe(false);
    expect(final.output_text).toMatch(HELD_EMAIL);
  });

  it('a real recorded reasoning + function_call stream: the denied call goes', async () => {
    const transcript = loadTranscripts().find((t) => t.name === 'openai-responses-reasoning-function-call-stream')!;
    const dir = await mkdtemp(join(tmpdir(), 'airlock-weather-'));
    await cp(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
    await writeFile(join(dir, 'weather.rego'), 'package airlock\n\nimport rego.v1\n\ndeny contains "no weather" if {\n\tsome call in input.call.tool_calls\n\tcall.name == "get_weather"\n}\n');
    const g = await startGateway({ ...fakeUpstreamConfig(upstream), policy: { bundle: dir, watch: false } });
    try {
      upstream.behave({ kind: 'replay', transcript }, 1);
      const final = await openai(g).responses.stream({ model: 'gpt-test', tools: responsesTools, input: 'weather in Paris?' }).finalResponse();
      expect(final.output.map((i) => i.type)).toEqual(['reasoning', 'message']);
      expect(final.output_text).toContain('[Airlock] The tool call "get_weather" was not run: it was denied by policy (no weather).');
    } finally {
      await g.close();
    }
  });
});

describe('history and cost', () => {
  it('tool calls already in the history are never held again; each answer tool call is decided once', async () => {
    const before = (await auditDecisions(audited)).length;
    const res = await openai(audited).chat.completions.create({
      model: 'gpt-test',
      tools: chatTools,
      messages: [
        { role: 'user', content: 'clean up' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'delete_customer', arguments: '{"id":7}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'deleted' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c2', type: 'function', function: { name: 'create_payment', arguments: '{"amount":25000}' } }] },
        { role: 'tool', tool_call_id: 'c2', content: 'paid' },
      ],
    });
    expect(res.choices[0]!.message.content).toContain('Airlock demo model here');
    const decisions = (await auditDecisions(audited)).slice(before);
    expect(decisions).toEqual([expect.objectContaining({ phase: 'request', decision: 'allow' })]);
  });

  it('an answer with tool calls gets one response-phase decision per call, in the audit trail', async () => {
    const before = (await auditDecisions(audited)).length;
    script(undefined, EMAIL_OUT, LOOKUP);
    // Async: the held call's approval is asked for and the answer goes on without it.
    await openai(audited).chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-airlock-approval-mode': 'async' } });
    const decisions = (await auditDecisions(audited)).slice(before);
    expect(decisions.map((d) => [d.phase, d.tool ?? '', d.decision])).toEqual([
      ['request', '', 'allow'],
      ['response', 'send_email', 'hold'],
      ['response', 'lookup_order', 'allow'],
    ]);
  });

  it('a request that offers no tools is not evaluated again', async () => {
    const before = (await auditDecisions(audited)).length;
    await openai(audited).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    expect((await auditDecisions(audited)).slice(before).map((d) => d.phase)).toEqual(['request']);
  });
});

describe('refused_tool_calls: error', () => {
  it('buffered: 403 in the caller\'s shape (OpenAI and Anthropic)', async () => {
    script(undefined, EMAIL_OUT);
    const e1 = await openai(strict).chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((e1 as Error).message).toContain('tool call "send_email" requires approval');
    script(undefined, DELETE);
    const e2 = await anthropic(strict).messages.create({ model: 'claude-test', max_tokens: 10, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Anthropic.PermissionDeniedError);
  });

  it('streamed: the stream ends with an error event before the refused call, text kept', async () => {
    script('Hello there. ', EMAIL_OUT);
    let text = '';
    const error = await (async () => {
      for await (const chunk of await openai(strict).chat.completions.create({ model: 'gpt-test', stream: true, tools: chatTools, messages: [{ role: 'user', content: 'x' }] })) {
        text += chunk.choices[0]?.delta.content ?? '';
        expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('requires approval');
    expect(text).toBe('Hello there. ');
    script(undefined, DELETE);
    const e2 = await anthropic(strict).messages.stream({ model: 'claude-test', max_tokens: 10, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Anthropic.APIError);
  });
});
