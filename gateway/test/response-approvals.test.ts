/**
 * A tool call the model returns that policy holds goes to the approvers, through a real gateway with its embedded
 * store, the default bundle (edits turned on), the official OpenAI and Anthropic SDKs as agents and real HTTP
 * approvers: a buffered answer waits whole, a streamed one lets its text flow and holds the tool call (SSE comments
 * keep it alive) until decided; approved, the agent gets the call (as edited, once the bundle allows the edit);
 * rejected, a well-formed answer without it and a text saying why; async, the answer goes on at once and the
 * released call is collected from GET /v1/approvals/:id.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BUNDLE_DIR } from '@airlock/policies';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeToolCall, type FakeUpstream } from './fake-upstream/index.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;
let strict: TestGateway;
/** The approver's key, by gateway. */
const alice = new Map<TestGateway, string>();

const EMAIL_OUT: FakeToolCall = { name: 'send_email', arguments: { to: 'eve@evil.test', subject: 'hi' } };
const DELETE: FakeToolCall = { name: 'delete_customer', arguments: { id: 7 } };
const LOOKUP: FakeToolCall = { name: 'lookup_order', arguments: { order_id: '42' } };
const PAYMENT: FakeToolCall = { name: 'create_payment', arguments: { payee: 'ACME', amount: 5000 } };

const TOOL_NAMES = ['send_email', 'delete_customer', 'lookup_order', 'create_payment'];
const parameters = { type: 'object', properties: {} } as const;
const chatTools: OpenAI.Chat.ChatCompletionFunctionTool[] = TOOL_NAMES.map((name) => ({ type: 'function', function: { name, parameters } }));
const anthropicTools: Anthropic.Tool[] = TOOL_NAMES.map((name) => ({ name, input_schema: parameters }));
const responsesTools: OpenAI.Responses.FunctionTool[] = TOOL_NAMES.map((name) => ({ type: 'function', name, parameters, strict: false }));

const step = (name: string) => ({ 'x-airlock-workflow': 'agent', 'x-airlock-run': `run-${name}`, 'x-airlock-step': name });
const openai = (g: TestGateway, name: string, extra: Record<string, string> = {}) => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: g.userKey, maxRetries: 0, defaultHeaders: { ...step(name), ...extra } });
const anthropic = (g: TestGateway, name: string) => new Anthropic({ baseURL: g.url, apiKey: g.userKey, maxRetries: 0, defaultHeaders: step(name) });

function script(text: string | undefined, ...toolCalls: FakeToolCall[]): void {
  upstream.behave({ kind: 'ok', ...(text === undefined ? {} : { text }), toolCalls }, 1);
}

async function admin(g: TestGateway, method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${g.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The pending approvals held in `stepName`, once there are `count` of them. */
async function pendingFor(g: TestGateway, stepName: string, count = 1): Promise<Record<string, unknown>[]> {
  const until = Date.now() + 8_000;
  while (Date.now() < until) {
    const list = await admin(g, 'GET', '/admin/approvals?status=pending&limit=100', alice.get(g)!);
    const found = ((list.body.approvals ?? []) as Record<string, unknown>[]).filter((a) => (a.workflow as { step?: string } | null)?.step === stepName);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no pending approval for step ${stepName}`);
}

const decide = (id: unknown, decision: 'approve' | 'reject', body: unknown = { reason: 'checked' }, g = gw) => admin(g, 'POST', `/admin/approvals/${String(id)}/${decision}`, alice.get(g)!, body);

async function statusOf(id: unknown, want: string): Promise<Record<string, unknown>> {
  let view: Record<string, unknown> = {};
  for (let i = 0; i < 100 && view.status !== want; i++) {
    if (i) await new Promise((r) => setTimeout(r, 50));
    view = (await admin(gw, 'GET', `/v1/approvals/${String(id)}`, gw.userKey)).body;
  }
  return view;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.setEventDelay(1);
  const bundle = await mkdtemp(join(tmpdir(), 'airlock-response-approvals-'));
  await cp(DEFAULT_BUNDLE_DIR, bundle, { recursive: true });
  const data = JSON.parse(await readFile(join(bundle, 'data.json'), 'utf8')) as { governance: { risk: Record<string, unknown> } };
  data.governance.risk.editable = true;
  await writeFile(join(bundle, 'data.json'), JSON.stringify(data));
  const approvals = { poll_ms: 100, settle_ms: 30, keepalive_ms: 150, max_wait_ms: 15_000 };
  const config = { ...fakeUpstreamConfig(upstream), store: { kind: 'embedded' as const, path: 'clickhouse' }, approvals };
  gw = await startGateway({ ...config, policy: { bundle, watch: false } });
  // A second gateway on the same store (one embedded store per process), refusing held calls with errors.
  strict = await startGateway({ ...config, policy: { bundle, watch: false, refused_tool_calls: 'error' } }, { build: { store: gw.app.airlock.store } });
  const key = (await gw.keyStore.create({ tenant: 'default', team: 'ops', user: 'alice', roles: ['approver'] })).plainKey;
  alice.set(gw, key).set(strict, key);
}, 60_000);

afterAll(async () => {
  await strict?.close();
  await gw?.close();
  await upstream?.close();
});

describe('wait mode', () => {
  it('Chat, buffered: the whole answer waits; approved, the agent gets the tool call as the model wrote it, and the model ran once', async () => {
    script('Sending it now.', EMAIL_OUT);
    const before = upstream.requests.length;
    const answer = openai(gw, 'buffered-approve').chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'mail eve' }] });
    const [approval] = await pendingFor(gw, 'buffered-approve');
    expect(approval).toMatchObject({ status: 'pending', reason: 'tool "send_email" sends email outside the company to eve@evil.test', approver_role: 'approver' });
    const detail = (await admin(gw, 'GET', `/admin/approvals/${String(approval!.approval_id)}`, alice.get(gw)!)).body;
    expect(detail.request).toMatchObject({ phase: 'response', tool_call: { name: 'send_email' } });
    // The approver sees the recipient masked.
    expect(JSON.stringify(detail.request)).not.toContain('eve@evil.test');
    expect((await decide(approval!.approval_id, 'approve', { reason: 'eve is our auditor' })).status).toBe(200);
    const res = await answer;
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Sending it now.');
    const call = choice.message.tool_calls![0]!;
    expect(call.type === 'function' && [call.function.name, JSON.parse(call.function.arguments)]).toEqual(['send_email', EMAIL_OUT.arguments]);
    expect(upstream.requests.length).toBe(before + 1);
    const view = await statusOf(approval!.approval_id, 'executed');
    expect(view).toMatchObject({ status: 'executed', decision_reason: 'eve is our auditor', result: { status: 200, body: { object: 'chat.completion' } } });
  });

  it('Chat, streamed: text reaches the agent while the tool call waits; keep-alives pass the SDK; approved, the call streams', async () => {
    script('Let me send that. ', EMAIL_OUT, LOOKUP);
    const stream = openai(gw, 'stream-approve').chat.completions.stream({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    const indices: number[] = [];
    stream.on('content', (delta) => (text += delta));
    stream.on('chunk', (chunk) => {
      for (const c of chunk.choices[0]?.delta.tool_calls ?? []) indices.push(c.index);
    });
    const [approval] = await pendingFor(gw, 'stream-approve');
    for (let i = 0; i < 100 && !text; i++) await new Promise((r) => setTimeout(r, 20));
    // The text is the agent's before anyone decided; the tool call is not.
    expect(text).toBe('Let me send that. ');
    expect(indices).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    expect((await decide(approval!.approval_id, 'approve')).status).toBe(200);
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.message.tool_calls!.map((c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['send_email', EMAIL_OUT.arguments],
      ['lookup_order', LOOKUP.arguments],
    ]);
    expect(indices).toEqual([0, 1]);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Let me send that. ');
  });

  it('on the wire: the text, then SSE comments while the call waits, then the call; the caller who hangs up leaves it to be collected', async () => {
    script('Hold on. ', DELETE);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', ...step('wire') },
      body: JSON.stringify({ model: 'gpt-test', stream: true, tools: chatTools, messages: [{ role: 'user', content: 'x' }] }),
    });
    const reader = res.body!.getReader();
    let wire = '';
    while (!wire.includes(': airlock: a tool call is waiting')) wire += Buffer.from((await reader.read()).value!).toString();
    const text = [...wire.matchAll(/"content":"([^"]*)"/g)].map((m) => m[1]).join('');
    expect(text).toBe('Hold on. ');
    expect(wire).not.toContain('delete_customer');
    const [approval] = await pendingFor(gw, 'wire');
    await reader.cancel();
    // Nobody waits for it any more: approved, the gateway releases it into the approval's result.
    expect((await decide(approval!.approval_id, 'approve')).status).toBe(200);
    const view = await statusOf(approval!.approval_id, 'executed');
    const released = (view.result as { body: OpenAI.Chat.ChatCompletion }).body;
    expect(released.choices[0]!.message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'delete_customer' } });
  });

  it('Anthropic, buffered: rejected, the agent gets the answer without the tool_use and the approver\'s reason, end_turn', async () => {
    script('On it.', DELETE);
    const answer = anthropic(gw, 'buffered-reject').messages.create({ model: 'claude-test', max_tokens: 100, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] });
    const [approval] = await pendingFor(gw, 'buffered-reject');
    expect((await decide(approval!.approval_id, 'reject', { reason: 'customer 7 has open invoices' })).status).toBe(200);
    const msg = await answer;
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'text']);
    expect(msg.stop_reason).toBe('end_turn');
    expect((msg.content[1] as Anthropic.TextBlock).text).toBe(
      `[Airlock] The tool call "delete_customer" was not run: an approver rejected it (customer 7 has open invoices; approval ${String(approval!.approval_id)}).`,
    );
  });

  it('Responses, streamed, two held calls: one approved, one rejected; indices and sequence numbers stay dense', async () => {
    script('Checking. ', EMAIL_OUT, DELETE, LOOKUP);
    const stream = openai(gw, 'responses-mixed').responses.stream({ model: 'gpt-test', tools: responsesTools, input: 'x' });
    const seq: number[] = [];
    stream.on('event', (e) => seq.push(e.sequence_number));
    const [first] = await pendingFor(gw, 'responses-mixed');
    // One at a time: the stream holds what follows a waiting call behind it.
    expect((await decide(first!.approval_id, 'approve')).status).toBe(200);
    const both = await pendingFor(gw, 'responses-mixed');
    const second = both.find((a) => a.approval_id !== first!.approval_id)!;
    expect((await decide(second.approval_id, 'reject', { reason: 'no deletes today' })).status).toBe(200);
    const final = await stream.finalResponse();
    expect(seq).toEqual(seq.map((_, i) => i));
    expect(final.output.filter((i) => i.type === 'function_call').map((i) => i.type === 'function_call' && i.name)).toEqual(['send_email', 'lookup_order']);
    expect(final.output_text).toContain('an approver rejected it (no deletes today');
  });
});

describe('edits', () => {
  it('an approver caps a payment: the agent gets the edited arguments, the bundle allowed them, the edit is audited', async () => {
    script(undefined, PAYMENT);
    const answer = openai(gw, 'edit-payment').chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'pay ACME' }] });
    const [approval] = await pendingFor(gw, 'edit-payment');
    const voted = await decide(approval!.approval_id, 'approve', { reason: 'capped at 500', arguments: { payee: 'ACME', amount: 500 } });
    expect(voted.body).toMatchObject({ status: 'approved', edited: true });
    const res = await answer;
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ payee: 'ACME', amount: 500 });
    await gw.app.airlock.store!.writer.flush();
    const audit = (await gw.app.airlock.store!.audit.entries('default')).filter((e) => e.subject === approval!.approval_id || e.subject === approval!.call_id);
    expect(JSON.parse(audit.find((e) => e.action === 'approval.vote')!.details)).toMatchObject({ arguments: { amount: 500 } });
    expect(JSON.parse(audit.find((e) => e.action === 'policy.reevaluated')!.details)).toMatchObject({ phase: 'response', tool: 'create_payment', decision: 'allow', approval: approval!.approval_id });
  });

  it('Anthropic, streamed: an edit the bundle would hold for another reason is refused at release, not given to the agent', async () => {
    script('Sure. ', EMAIL_OUT);
    const stream = anthropic(gw, 'edit-refused').messages.stream({ model: 'claude-test', max_tokens: 100, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] });
    const [approval] = await pendingFor(gw, 'edit-refused');
    expect((await decide(approval!.approval_id, 'approve', { reason: 'fine', arguments: { to: 'mallory@evil.test', subject: 'hi' } })).status).toBe(200);
    const msg = await stream.finalMessage();
    expect(msg.content.some((b) => b.type === 'tool_use')).toBe(false);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toMatch(/needs another approval: tool "send_email" sends email outside the company to mallory@evil\.test/);
    expect((await statusOf(approval!.approval_id, 'failed')).status).toBe('failed');
  });

  it('an edit the decision does not allow (a non-object argument, another approver\'s tool) is refused and changes nothing', async () => {
    script(undefined, DELETE);
    const answer = openai(gw, 'edit-bad').chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] });
    const [approval] = await pendingFor(gw, 'edit-bad');
    expect((await decide(approval!.approval_id, 'reject', { reason: 'x', arguments: { id: 8 } })).status).toBe(400);
    expect((await admin(gw, 'GET', `/admin/approvals/${String(approval!.approval_id)}`, alice.get(gw)!)).body).toMatchObject({ status: 'pending', approvals: 0 });
    await decide(approval!.approval_id, 'reject', { reason: 'no' });
    expect((await answer).choices[0]!.message.tool_calls).toBeUndefined();
  });
});

describe('async mode', () => {
  it('the answer goes on at once without the call; once approved, GET /v1/approvals/:id holds an answer that carries it', async () => {
    script('Queued. ', EMAIL_OUT);
    const res = await openai(gw, 'async', { 'x-airlock-approval-mode': 'async' }).chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] });
    const choice = res.choices[0]!;
    expect(choice.message.tool_calls).toBeUndefined();
    expect(choice.finish_reason).toBe('stop');
    const id = /waiting for approval (apr_[0-9a-f]{32})/.exec(choice.message.content ?? '')?.[1];
    expect(id).toBeTruthy();
    expect((await statusOf(id, 'pending')).status).toBe('pending');
    expect((await decide(id, 'approve')).status).toBe(200);
    const view = await statusOf(id, 'executed');
    const released = (view.result as { body: OpenAI.Chat.ChatCompletion }).body;
    const call = released.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && [call.function.name, JSON.parse(call.function.arguments)]).toEqual(['send_email', EMAIL_OUT.arguments]);
    expect(released.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('a bad approval header is refused before the model runs', async () => {
    const before = upstream.requests.length;
    const e = await openai(gw, 'bad-mode', { 'x-airlock-approval-mode': 'later' }).chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(upstream.requests.length).toBe(before);
  });
});

describe('refused_tool_calls: error', () => {
  it('a rejection is a 403 in the caller\'s shape with the approver\'s reason', async () => {
    script(undefined, EMAIL_OUT);
    const answer = openai(strict, 'strict-reject').chat.completions.create({ model: 'gpt-test', tools: chatTools, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    const [approval] = await pendingFor(strict, 'strict-reject');
    expect((await decide(approval!.approval_id, 'reject', { reason: 'not to eve' }, strict)).status).toBe(200);
    const e = await answer;
    expect(e).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((e as Error).message).toContain('not to eve');
  });
});

