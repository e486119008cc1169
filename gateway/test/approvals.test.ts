/**
 * Held calls end to end, through a real gateway with its embedded store, the official OpenAI and Anthropic SDKs as
 * callers and real HTTP approvers: wait and async modes, buffered and streamed; quorum; who may decide (self, role,
 * tenant); edits; re-evaluation at execution; expiry; the signed callback; bad input that changes nothing.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../sdk/src/approvals/webhook.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { APPROVALS_BUNDLE as FIXTURE } from './helpers/approvals.js';
import { ADMIN_KEY, fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

const DATA = JSON.parse(await readFile(join(FIXTURE, 'data.json'), 'utf8')) as Record<string, unknown>;
const CALLBACK_SECRET = 'whsec_approvals_test';
const NOTIFY_SECRET = 'whsec_finance_group';

let upstream: FakeUpstream;
let gw: TestGateway;
let bundleDir: string;
let crm: Server;
let crmSeen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let hooks: Server;
let hookSeen: { headers: IncomingHttpHeaders; body: string }[] = [];
const keys: Record<string, string> = {};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.setEventDelay(1);
  bundleDir = await mkdtemp(join(tmpdir(), 'airlock-approvals-bundle-'));
  await cp(FIXTURE, bundleDir, { recursive: true });
  crm = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      crmSeen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, received: body ? JSON.parse(body) : null }));
    });
  });
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      hookSeen.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  const crmUrl = await listen(crm);
  await listen(hooks);
  hookSeen = [];
  gw = await startGateway(
    {
      ...fakeUpstreamConfig(upstream),
      systems: { crm: { base_url: `${crmUrl}/base`, methods: ['GET', 'POST'] } },
      store: { kind: 'embedded', path: 'clickhouse' },
      policy: { bundle: bundleDir, watch: false },
      approvals: {
        poll_ms: 100,
        settle_ms: 30,
        keepalive_ms: 400,
        max_wait_ms: 15_000,
        callback_hosts: ['127.0.0.1'],
        callback_secret_env: 'CB_SECRET',
        notify: { finance: { url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/finance`, secret_env: 'NOTIFY_SECRET' } },
      },
    },
    { env: { CB_SECRET: CALLBACK_SECRET, NOTIFY_SECRET } },
  );
  const make = async (name: string, roles: string[], tenant = 'default', user = name) => (keys[name] = (await gw.keyStore.create({ tenant, team: 'ops', user, roles })).plainKey);
  await make('alice', ['approver']);
  await make('bob', ['approver']);
  await make('dora', ['approver', 'finance']);
  await make('carol', ['analyst']);
  await make('admin', ['admin']);
  await make('mallory', ['approver'], 'globex');
  // The requester's own person with a second key that holds the approver role.
  await make('tester-approver', ['approver'], 'default', 'tester');
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  crm?.close();
  hooks?.close();
});

const openai = (headers: Record<string, string> = {}) => new OpenAI({ apiKey: gw.userKey, baseURL: `${gw.url}/v1`, maxRetries: 0, defaultHeaders: headers });
const anthropic = (headers: Record<string, string> = {}) => new Anthropic({ apiKey: gw.userKey, baseURL: gw.url, maxRetries: 0, defaultHeaders: headers });

async function admin(method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const decide = (id: string, key: string, decision: 'approve' | 'reject', body: unknown = { reason: 'checked' }) => admin('POST', `/admin/approvals/${id}/${decision}`, key, body);

/** The pending approval of the call held in `step` (there is one per test step). */
async function pendingFor(step: string, timeoutMs = 8_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const list = await admin('GET', '/admin/approvals?status=pending&limit=100', keys.alice!);
    const found = (list.body.approvals as Record<string, unknown>[] | undefined)?.find((a) => (a.workflow as { step?: string } | null)?.step === step);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no pending approval for step ${step}`);
}

const chatBody = (content: string) => ({ model: 'gpt-test', messages: [{ role: 'user' as const, content }] });
const step = (name: string) => ({ 'x-airlock-workflow': 'payments', 'x-airlock-run': `run-${name}`, 'x-airlock-step': name });

describe('wait mode', () => {
  it('OpenAI SDK, buffered: the call is held until approved, then runs once and its answer is the response', async () => {
    const before = upstream.requests.length;
    const pending = openai(step('pay-1')).chat.completions.create(chatBody('pay invoice 17')).withResponse();
    const approval = await pendingFor('pay-1');
    expect(approval).toMatchObject({ status: 'pending', reason: 'pay-1 needs a human', approver_role: 'approver', quorum: 1, team: 'platform' });
    // Nothing left the gateway while it was held.
    expect(upstream.requests.length).toBe(before);
    const voted = await decide(String(approval.approval_id), keys.alice!, 'approve', { reason: 'invoice matches the PO' });
    expect(voted.status).toBe(200);
    const { data, response } = await pending;
    expect(data.choices[0]!.message.content).toBeTruthy();
    expect(response.headers.get('x-airlock-approval-id')).toBe(approval.approval_id);
    expect(upstream.requests.length).toBe(before + 1);
    // The requester collects the same result by id.
    const status = await fetch(`${gw.url}/v1/approvals/${approval.approval_id}`, { headers: { authorization: `Bearer ${gw.userKey}` } });
    const view = (await status.json()) as { status: string; result: { status: number; body: { choices: unknown[] } }; decision_reason: string };
    expect(view).toMatchObject({ status: 'executed', decision_reason: 'invoice matches the PO', result: { status: 200 } });
    expect(view.result.body.choices).toHaveLength(1);
  });

  it('OpenAI SDK, streamed and held past the keep-alive: comments keep it open, then the answer streams', async () => {
    const before = upstream.requests.length;
    const started = Date.now();
    const streamP = openai(step('pay-stream')).chat.completions.create({ ...chatBody('stream me'), stream: true });
    const approval = await pendingFor('pay-stream');
    await new Promise((r) => setTimeout(r, Math.max(0, 900 - (Date.now() - started))));
    expect((await decide(String(approval.approval_id), keys.bob!, 'approve')).status).toBe(200);
    let text = '';
    for await (const chunk of await streamP) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(upstream.requests.length).toBe(before + 1);
  });

  it('Anthropic SDK, buffered and streamed: a rejection is a 403 in Anthropic\'s shape with the approver\'s reason', async () => {
    const client = anthropic(step('pay-reject'));
    const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
    const buffered = failure(client.messages.create({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'refund all' }] }));
    const a1 = await pendingFor('pay-reject');
    expect((await decide(String(a1.approval_id), keys.alice!, 'reject', { reason: 'no refunds on Fridays' })).status).toBe(200);
    expect(await buffered).toMatchObject({ status: 403, message: expect.stringContaining('no refunds on Fridays') });

    // Rejected before the keep-alive: a 403; after it (the headers are gone): an error event. The SDK throws either way.
    const streamed = failure(
      (async () => {
        for await (const _event of await anthropic(step('pay-reject-2')).messages.create({ model: 'claude-test', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'refund all' }] })) void _event;
      })(),
    );
    const a2 = await pendingFor('pay-reject-2');
    expect((await decide(String(a2.approval_id), keys.alice!, 'reject', { reason: 'still no' })).status).toBe(200);
    expect(await streamed).toMatchObject({ error: { type: 'error', error: { type: 'permission_error', message: expect.stringContaining('still no') } } });
  });

  it('Anthropic SDK, streamed and approved: the answer streams as Anthropic events', async () => {
    const stream = anthropic(step('pay-anthropic')).messages.stream({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'go' }] });
    const a = await pendingFor('pay-anthropic');
    expect((await decide(String(a.approval_id), keys.alice!, 'approve')).status).toBe(200);
    const message = await stream.finalMessage();
    expect(message.content.length).toBeGreaterThan(0);
  });

  it('expiry fails closed: the waiting caller gets a 408 naming the approval, and deciding after it is a 409', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', ...step('pay-quick') },
      body: JSON.stringify(chatBody('quick')),
    });
    expect(res.status).toBe(408);
    const id = res.headers.get('x-airlock-approval-id')!;
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'GW_ERR_APPROVAL_TIMEOUT', message: expect.stringContaining(id) });
    const late = await decide(id, keys.alice!, 'approve');
    expect(late.status).toBe(409);
    expect((await admin('GET', `/admin/approvals/${id}`, keys.alice!)).body.status).toBe('expired');
  });
});

describe('async mode', () => {
  it('answers 202 at once; the call runs when approved; status, result and a signed callback follow', async () => {
    hookSeen = [];
    const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', 'x-airlock-approval-mode': 'async', 'x-airlock-callback-url': hookUrl, ...step('pay-async') },
      body: JSON.stringify(chatBody('later please')),
    });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { approval_id: string; status_url: string; status: string };
    expect(accepted).toMatchObject({ status: 'pending', status_url: `/v1/approvals/${accepted.approval_id}` });
    const get = async () => (await (await fetch(`${gw.url}${accepted.status_url}`, { headers: { authorization: `Bearer ${gw.userKey}` } })).json()) as Record<string, unknown>;
    expect((await get()).status).toBe('pending');
    expect((await decide(accepted.approval_id, keys.alice!, 'approve')).status).toBe(200);
    let view: Record<string, unknown> = {};
    for (let i = 0; i < 100 && view.status !== 'executed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await get();
    }
    expect(view).toMatchObject({ status: 'executed', result: { status: 200, body: { object: 'chat.completion' } } });
    for (let i = 0; i < 50 && !hookSeen.length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(hookSeen).toHaveLength(1);
    const delivered = verifyWebhook<Record<string, unknown>>(hookSeen[0]!.body, hookSeen[0]!.headers as Record<string, string>, CALLBACK_SECRET);
    expect(delivered).toMatchObject({ approval_id: accepted.approval_id, status: 'executed', result: { status: 200 } });
    expect(() => verifyWebhook(hookSeen[0]!.body, hookSeen[0]!.headers as Record<string, string>, 'another-secret')).toThrow();
    // Another key of the tenant without a say in it sees no such approval.
    expect((await fetch(`${gw.url}${accepted.status_url}`, { headers: { authorization: `Bearer ${keys.carol!}` } })).status).toBe(404);
  });

  it('refuses a callback host that is not allowed, before anything is held', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', 'x-airlock-approval-mode': 'async', 'x-airlock-callback-url': 'https://evil.example/hook', ...step('pay-evil') },
      body: JSON.stringify(chatBody('x')),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('x-airlock-callback-url');
  });
});

/** Holds an async call in `name` and gives its approval id. */
async function held(name: string, body: object = chatBody(name)): Promise<string> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', 'x-airlock-approval-mode': 'async', ...step(name) },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { approval_id: string }).approval_id;
}

async function settledStatus(id: string, want: string): Promise<Record<string, unknown>> {
  let view: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) {
    view = (await admin('GET', `/admin/approvals/${id}`, keys.alice!)).body;
    if (view.status === want) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return view;
}

describe('who decides', () => {
  it('a quorum of two distinct approvers (four-eyes): one vote is not enough, the same approver twice is a 409', async () => {
    const id = await held('pay-big');
    expect((await decide(id, keys.alice!, 'approve')).body).toMatchObject({ status: 'pending', approvals: 1 });
    expect((await decide(id, keys.alice!, 'approve')).status).toBe(409);
    const second = await decide(id, keys.bob!, 'approve');
    expect(second.body).toMatchObject({ status: 'approved', approvals: 2 });
    expect((await settledStatus(id, 'executed')).status).toBe('executed');
  });

  it('the requester never approves their own call, not with another key of theirs either', async () => {
    const id = await held('pay-self');
    expect((await decide(id, keys['tester-approver']!, 'approve')).status).toBe(403);
    // The requester's own key holds no approver role: the route refuses it outright.
    expect((await decide(id, gw.userKey, 'approve')).status).toBe(403);
    expect((await admin('GET', `/admin/approvals/${id}`, keys.alice!)).body).toMatchObject({ status: 'pending', approvals: 0 });
  });

  it('a wrong role is refused, and a decision naming another role needs that role', async () => {
    const id = await held('pay-finance');
    expect((await decide(id, keys.carol!, 'approve')).status).toBe(403);
    expect((await decide(id, keys.admin!, 'approve')).status).toBe(403);
    expect((await decide(id, ADMIN_KEY, 'approve')).status).toBe(403);
    expect((await decide(id, keys.alice!, 'approve')).status).toBe(403);
    expect((await decide(id, keys.dora!, 'approve')).body).toMatchObject({ status: 'approved' });
  });

  it('another tenant\'s approver does not see or decide it (404)', async () => {
    const id = await held('pay-tenant');
    expect((await decide(id, keys.mallory!, 'approve')).status).toBe(404);
    expect((await admin('GET', `/admin/approvals/${id}`, keys.mallory!)).status).toBe(404);
    const list = await admin('GET', '/admin/approvals?limit=500', keys.mallory!);
    expect(list.body.approvals).toEqual([]);
    expect((await admin('GET', `/admin/approvals/${id}`, keys.alice!)).body).toMatchObject({ status: 'pending' });
  });

  it('the approver sees the held call redacted, with the reason and context', async () => {
    const id = await held('pay-view', chatBody('wire 400 EUR to jane.doe@example.org, card 4111 1111 1111 1111'));
    const view = (await admin('GET', `/admin/approvals/${id}`, keys.alice!)).body;
    expect(view).toMatchObject({ reason: 'pay-view needs a human', workflow: { id: 'payments', step: 'pay-view' }, requester: { user: 'tester' } });
    const text = JSON.stringify(view.request);
    expect(text).toContain('wire 400 EUR');
    expect(text).not.toContain('jane.doe@example.org');
    expect(text).not.toContain('4111 1111 1111 1111');
  });
});

describe('edits and re-evaluation', () => {
  async function apiHeld(body: object): Promise<{ id: string; answer: Promise<Response> }> {
    const answer = fetch(`${gw.url}/api/crm/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', 'x-airlock-workflow': 'payments', 'x-airlock-step': 'crm-write' },
      body: JSON.stringify(body),
    });
    let id = '';
    for (let i = 0; i < 100 && !id; i++) {
      const list = await admin('GET', '/admin/approvals?status=pending&limit=100', keys.alice!);
      id = String((list.body.approvals as { api: string; approval_id: string }[]).find((a) => a.api === 'http')?.approval_id ?? '');
      if (!id) await new Promise((r) => setTimeout(r, 50));
    }
    return { id, answer };
  }

  it('an API call is held before it goes out; an allowed edit is what the system receives, shown and audited', async () => {
    crmSeen = [];
    const { id, answer } = await apiHeld({ payee: 'ACME', amount: 5000 });
    expect(crmSeen).toHaveLength(0);
    const voted = await decide(id, keys.alice!, 'approve', { reason: 'capped at 500', arguments: { payee: 'ACME', amount: 500 } });
    expect(voted.body).toMatchObject({ status: 'approved', edited: true });
    const res = await answer;
    expect(res.status).toBe(201);
    expect(crmSeen).toHaveLength(1);
    expect(JSON.parse(crmSeen[0]!.body)).toEqual({ payee: 'ACME', amount: 500 });
    // The approval id is the idempotency key of the side effect.
    expect(crmSeen[0]!.headers['idempotency-key']).toBe(id);
    expect((await settledStatus(id, 'executed')).status).toBe('executed');
    await gw.app.airlock.store!.writer.flush();
    const audit = await gw.app.airlock.store!.audit.entries('default');
    const vote = audit.find((e) => e.subject === id && e.action === 'approval.vote');
    expect(JSON.parse(vote!.details)).toMatchObject({ arguments: { amount: 500 }, previous_arguments: { amount: 5000 } });
    expect(audit.filter((e) => e.subject === id).map((e) => e.action)).toEqual(expect.arrayContaining(['approval.requested', 'approval.vote', 'approval.approved', 'approval.claim', 'approval.executed']));
  });

  it('an edit the decision does not allow is refused (403) and changes nothing', async () => {
    const id = await held('pay-noedit');
    const refused = await decide(id, keys.alice!, 'approve', { reason: 'x', arguments: { model: 'other' } });
    expect(refused.status).toBe(403);
    expect((await admin('GET', `/admin/approvals/${id}`, keys.alice!)).body).toMatchObject({ status: 'pending', approvals: 0 });
  });

  it('the bundle is asked again at execution: a call it now denies is refused, not run', async () => {
    const before = upstream.requests.length;
    const pending = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', ...step('pay-frozen') },
      body: JSON.stringify(chatBody('pay now')),
    });
    const a = await pendingFor('pay-frozen');
    await writeFile(join(bundleDir, 'data.json'), JSON.stringify({ ...DATA, frozen: true }));
    expect((await admin('POST', '/admin/policies/reload', ADMIN_KEY)).status).toBe(200);
    try {
      expect((await decide(String(a.approval_id), keys.alice!, 'approve')).status).toBe(200);
      const res = await pending;
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'GW_ERR_POLICY_DENIED', message: expect.stringContaining('frozen') });
      expect(upstream.requests.length).toBe(before);
      expect((await settledStatus(String(a.approval_id), 'failed')).status).toBe('failed');
    } finally {
      await writeFile(join(bundleDir, 'data.json'), JSON.stringify(DATA));
      await admin('POST', '/admin/policies/reload', ADMIN_KEY);
    }
  });
});

describe('bad input changes nothing', () => {
  it('unknown or malformed ids, a missing or malformed reason, unknown fields, a bad mode, a double decision', async () => {
    expect((await decide('apr_' + '0'.repeat(32), keys.alice!, 'approve')).status).toBe(404);
    expect((await decide('nope', keys.alice!, 'approve')).status).toBe(400);
    expect((await admin('GET', '/admin/approvals/nope', keys.alice!)).status).toBe(400);
    expect((await admin('GET', '/admin/approvals?status=maybe', keys.alice!)).status).toBe(400);
    expect((await admin('GET', '/admin/approvals?cursor=garbage', keys.alice!)).status).toBe(400);
    const id = await held('pay-bad');
    for (const body of [{}, { reason: '' }, { reason: 42 }, { reason: 'ok', extra: true }, { reason: 'ok', arguments: 'x' }]) {
      const r = await decide(id, keys.alice!, 'approve', body);
      expect([r.status, (r.body.error as { code: string }).code]).toEqual([400, 'GW_ERR_INVALID_REQUEST']);
    }
    expect((await admin('GET', `/admin/approvals/${id}`, keys.alice!)).body).toMatchObject({ status: 'pending', approvals: 0 });
    expect((await decide(id, keys.alice!, 'reject', { reason: 'no' })).body).toMatchObject({ status: 'rejected' });
    expect((await decide(id, keys.bob!, 'approve')).status).toBe(409);
    expect((await decide(id, keys.bob!, 'reject', { reason: 'also no' })).status).toBe(409);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', 'x-airlock-approval-mode': 'later', ...step('pay-mode') },
      body: JSON.stringify(chatBody('x')),
    });
    expect(res.status).toBe(400);
  });

  it('lists the queue in cursor pages, newest first, with filters', async () => {
    const first = await admin('GET', '/admin/approvals?limit=2', keys.alice!);
    expect(first.body.approvals).toHaveLength(2);
    const next = await admin('GET', `/admin/approvals?limit=2&cursor=${String(first.body.next_cursor)}`, keys.alice!);
    const ids = [...(first.body.approvals as { approval_id: string }[]), ...(next.body.approvals as { approval_id: string }[])].map((a) => a.approval_id);
    expect(new Set(ids).size).toBe(ids.length);
    const rejectedOnly = await admin('GET', '/admin/approvals?status=rejected&limit=100', keys.alice!);
    expect((rejectedOnly.body.approvals as { status: string }[]).every((a) => a.status === 'rejected')).toBe(true);
    expect((rejectedOnly.body.approvals as unknown[]).length).toBeGreaterThan(0);
    const byWorkflow = await admin('GET', '/admin/approvals?workflow=nothing-like-it', keys.alice!);
    expect(byWorkflow.body.approvals).toEqual([]);
  });
});

describe('telling people', () => {
  it('the approver group\'s webhook is told of a new approval, signed with its own secret', async () => {
    const before = hookSeen.length;
    const id = await held('pay-finance');
    let got: { headers: IncomingHttpHeaders; body: string } | undefined;
    for (let i = 0; i < 50 && !got; i++) {
      got = hookSeen.slice(before).find((h) => h.body.includes(id));
      if (!got) await new Promise((r) => setTimeout(r, 100));
    }
    expect(verifyWebhook(got!.body, got!.headers as Record<string, string>, NOTIFY_SECRET)).toMatchObject({ type: 'approval.requested', approval: { approval_id: id, approver_role: 'finance' } });
  });

  it('the SSE stream shows the tenant\'s changes live, and another tenant\'s stream does not', async () => {
    const events: string[] = [];
    const foreign: string[] = [];
    const read = async (key: string, into: string[]) => {
      const res = await fetch(`${gw.url}/admin/approvals/stream?max_ms=3000`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        into.push(Buffer.from(value).toString());
      }
    };
    const streams = Promise.all([read(keys.alice!, events), read(keys.mallory!, foreign)]);
    await new Promise((r) => setTimeout(r, 200));
    const id = await held('pay-sse');
    await decide(id, keys.alice!, 'reject', { reason: 'seen live' });
    await streams;
    const text = events.join('');
    expect(text).toContain(`"approval_id":"${id}"`);
    expect(text).toMatch(/"change":"requested"/);
    expect(text).toMatch(/"change":"vote"/);
    expect(foreign.join('')).not.toContain(id);
  });

  it('the call\'s trace holds the approval\'s spans: the wait apart from the model call', async () => {
    const pending = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', ...step('pay-trace') },
      body: JSON.stringify(chatBody('trace me')),
    });
    const a = await pendingFor('pay-trace');
    await new Promise((r) => setTimeout(r, 200));
    await decide(String(a.approval_id), keys.alice!, 'approve');
    const res = await pending;
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    await gw.app.airlock.store!.writer.flush();
    const { call } = (await admin('GET', `/admin/calls/${String(a.call_id)}`, ADMIN_KEY)).body as { call: { trace_id: string; approval_id: string } };
    expect(call.approval_id).toBe(a.approval_id);
    const trace = (await admin('GET', `/admin/traces/${call.trace_id}`, ADMIN_KEY)).body as { spans: { name: string; duration_ms: number }[] };
    const names = trace.spans.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['approval.requested', 'approval.vote', 'approval.wait', 'approval.claimed', 'approval.executed']));
    expect(trace.spans.find((s) => s.name === 'approval.wait')!.duration_ms).toBeGreaterThanOrEqual(150);
  });

  it('a caller that went away sends the request again with x-airlock-approval-id and gets the result, run once', async () => {
    const before = upstream.requests.length;
    const controller = new AbortController();
    const body = JSON.stringify(chatBody('reconnect'));
    const headers = { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', ...step('pay-reconnect') };
    const gone = fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers, body, signal: controller.signal }).catch((e: unknown) => e);
    const a = await pendingFor('pay-reconnect');
    controller.abort();
    await gone;
    await decide(String(a.approval_id), keys.alice!, 'approve');
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { ...headers, 'x-airlock-approval-id': String(a.approval_id) }, body });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    expect(upstream.requests.length).toBe(before + 1);
    // Another request under that id is refused: an approval is bound to the request it was granted for.
    const other = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { ...headers, 'x-airlock-approval-id': String(a.approval_id) }, body: JSON.stringify(chatBody('something else')) });
    expect(other.status).toBe(409);
  });
});
