/**
 * Policy enforcement through the real gateway with the default governance bundle (policies/bundles/default):
 * each decision kind, each default rule, fail-closed behaviour and hot reload.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BUNDLE_DIR } from '@airlock/policies';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;
let bundleDir: string;

const models = (up: FakeUpstream) => {
  const base = fakeUpstreamConfig(up);
  return {
    ...base,
    models: {
      ...base.models,
      'demo-eu': { deployments: [{ provider: 'demo', model: 'demo-eu', region: 'eu' }] },
      'gpt-4o-mini': { deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
    },
  };
};

async function keyFor(team: string): Promise<string> {
  const { plainKey } = await gw.keyStore.create({ tenant: 'default', team, user: `${team}-user`, roles: ['user'] });
  return plainKey;
}

const openai = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
/** A held tool call's approval is asked for and the answer goes on without the call (async), naming it and why. */
const ASYNC = { headers: { 'x-airlock-approval-mode': 'async' } };

beforeAll(async () => {
  upstream = await startFakeUpstream();
  bundleDir = await mkdtemp(join(tmpdir(), 'airlock-bundle-'));
  await cp(DEFAULT_BUNDLE_DIR, bundleDir, { recursive: true });
  gw = await startGateway({ ...models(upstream), store: { kind: 'embedded', path: 'clickhouse' }, policy: { bundle: bundleDir, watch: false } }, { team: 'platform' });
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('decisions', () => {
  it('allow: a plain call passes and the decision is recorded with the bundle revision', async () => {
    const { response } = await openai(gw.userKey).chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const id = response.headers.get('x-airlock-call-id')!;
    await new Promise((r) => setTimeout(r, 50));
    await gw.app.airlock.store!.writer.flush();
    const res = await fetch(`${gw.url}/admin/calls/${id}`, { headers: { authorization: `Bearer ${gw.adminKey}` } });
    const { call } = (await res.json()) as { call: { decision: string; policy_revision: string; labels: Record<string, string> } };
    expect(call.decision).toBe('allow');
    expect(call.policy_revision).toMatch(/^[0-9a-f]{64}$/);
    expect(call.labels.team).toBe('platform');
  });

  it('deny: a model outside the team allowlist → 403 in the caller\'s shape with the reason', async () => {
    const key = await keyFor('support');
    const error = await openai(key).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as Error).message).toContain('model "gpt-test" is not allowed for team "support"');
    const anthropicError = await new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 })
      .messages.create({ model: 'gpt-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });

  it('deny: a no_pii_egress team sending personal data to a non-approved provider', async () => {
    const key = await keyFor('support');
    const error = await openai(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'mail jane@example.org' }] }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('may not send personal data (EMAIL)');
    const ok = await openai(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'no personal data here' }] });
    expect(ok.choices[0]!.message.content).toContain('no personal data');
  });

  it('hold: a risky tool call the model returns is kept from the agent until approved, never a silent allow', async () => {
    const res = await openai(gw.userKey).chat.completions.create(
      {
        model: 'demo-1',
        tools: [{ type: 'function', function: { name: 'delete_customer', parameters: { type: 'object', properties: {} } } }],
        messages: [{ role: 'user', content: 'call delete_customer for customer 7' }],
      },
      ASYNC,
    );
    expect(res.choices[0]!.message.tool_calls).toBeUndefined();
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.choices[0]!.message.content).toMatch(/is waiting for approval apr_[0-9a-f]{32} \(tool "delete_customer" deletes data; approver role: approver\)/);
  });

  it('hold: a large payment in the answer\'s tool arguments', async () => {
    upstream.behave({ kind: 'ok', toolCalls: [{ name: 'create_payment', arguments: { amount: 25000 } }] }, 1);
    const res = await openai(gw.userKey).chat.completions.create(
      {
        model: 'gpt-test',
        tools: [{ type: 'function', function: { name: 'create_payment', parameters: { type: 'object', properties: {} } } }],
        messages: [{ role: 'user', content: 'pay' }],
      },
      ASYNC,
    );
    expect(res.choices[0]!.message.content).toContain('payment of 25000 via "create_payment" exceeds 1000');
  });

  it('a tool call in the history ran already: it is context, never held again', async () => {
    const res = await openai(gw.userKey).chat.completions.create({
      model: 'demo-1',
      messages: [
        { role: 'user', content: 'clean up' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'delete_customer', arguments: '{"id":7}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
    });
    expect(res.choices[0]!.message.content).toContain('Airlock demo model here');
  });

  it('route: an eu_only team is served by the EU model, and the trace keeps both names', async () => {
    const key = await keyFor('eu-sales');
    const { data, response } = await openai(key).chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'where am I served?' }] }).withResponse();
    expect(data.model).toBe('demo-eu');
    const id = response.headers.get('x-airlock-call-id')!;
    await new Promise((r) => setTimeout(r, 50));
    await gw.app.airlock.store!.writer.flush();
    const { call } = (await (await fetch(`${gw.url}/admin/calls/${id}`, { headers: { authorization: `Bearer ${gw.adminKey}` } })).json()) as { call: { requested_model: string; served_model: string } };
    expect(call).toMatchObject({ requested_model: 'demo-1', served_model: 'demo-eu' });
  });

  it('redact: the decision\'s plan reaches the upstream', async () => {
    await openai(gw.userKey).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'card 4111 1111 1111 1111 please' }] });
    expect(JSON.stringify(upstream.requests.at(-1)!.body)).toContain('<CREDIT_CARD_1>');
  });
});

describe('default rules through the gateway', () => {
  /** The model (fake upstream) answers with this tool call; the request offers the tool. */
  const answering = (name: string, args: object) => {
    upstream.behave({ kind: 'ok', toolCalls: [{ name, arguments: args }] }, 1);
    return openai(gw.userKey).chat.completions.create(
      {
        model: 'gpt-test',
        tools: [{ type: 'function', function: { name, parameters: { type: 'object', properties: {} } } }],
        messages: [{ role: 'user', content: 'go' }],
      },
      ASYNC,
    );
  };

  it('holds email to outside the company, not inside it', async () => {
    const out = await answering('send_email', { to: ['eve@evil.test'] });
    expect(out.choices[0]!.message.content).toContain('sends email outside the company to eve@evil.test');
    const inside = await answering('send_email', { to: 'bob@example.com' });
    expect(inside.choices[0]!.message.tool_calls).toHaveLength(1);
  });

  it('holds production writes', async () => {
    const res = await answering('update_config', { environment: 'production' });
    expect(res.choices[0]!.message.tool_calls).toBeUndefined();
    expect(res.choices[0]!.message.content).toContain('writes to production');
  });

  it('enforces the per-key rate limit from the bundle data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-limit-'));
    await cp(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
    const gw2 = await startGateway({ ...models(upstream), policy: { bundle: dir, watch: false } }, { team: 'limited' });
    const data = JSON.parse(await readFile(join(dir, 'data.json'), 'utf8')) as { governance: { teams: Record<string, unknown> } };
    data.governance.teams.limited = { models: ['demo-*'], daily_budget_usd: 50, requests_per_minute: 2 };
    await writeFile(join(dir, 'data.json'), JSON.stringify(data));
    await fetch(`${gw2.url}/admin/policies/reload`, { method: 'POST', headers: { authorization: `Bearer ${gw2.adminKey}` } });
    const c = new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 });
    await c.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: '1' }] });
    await c.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: '2' }] });
    const third = await c.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: '3' }] }).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((third as Error).message).toContain('rate limit of 2 requests per minute reached');
    await gw2.close();
  });

  it('denies a team over its daily budget once its spend (from priced calls) reaches it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-budget-'));
    await cp(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
    const data = JSON.parse(await readFile(join(dir, 'data.json'), 'utf8')) as { governance: { teams: Record<string, unknown> } };
    data.governance.teams.frugal = { models: ['*'], daily_budget_usd: 0.00001, requests_per_minute: 100 };
    await writeFile(join(dir, 'data.json'), JSON.stringify(data));
    const base = models(upstream);
    // Served as gpt-4o, which the price table knows: each call costs a few micro-dollars.
    const gw2 = await startGateway({ ...base, models: { ...base.models, 'gpt-4o': { deployments: [{ provider: 'openai', model: 'gpt-4o' }] } }, policy: { bundle: dir, watch: false } }, { team: 'frugal' });
    const c = new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 });
    await c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a prompt long enough to cost something' }] });
    await new Promise((r) => setTimeout(r, 20));
    const second = await c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'again' }] }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((second as Error).message).toContain('team "frugal" has spent its daily budget of 1e-05 USD'); // OPA's sprintf writes small numbers as Go does
    await gw2.close();
  });

  it('denies providers the governance data does not allow', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-providers-'));
    await cp(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
    const data = JSON.parse(await readFile(join(dir, 'data.json'), 'utf8')) as { governance: { providers: { allowed: string[] } } };
    data.governance.providers.allowed = ['openai', 'demo'];
    await writeFile(join(dir, 'data.json'), JSON.stringify(data));
    const gw2 = await startGateway({ ...models(upstream), policy: { bundle: dir, watch: false } });
    const error = await new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 }).chat.completions.create({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('provider "anthropic" is not allowed');
    await gw2.close();
  });

  it('holds writes to a system of record through /api/:system, and lets reads through', async () => {
    const { createServer } = await import('node:http');
    const crm = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(crm.address() as { port: number }).port}`;
    const gw2 = await startGateway({
      ...models(upstream),
      systems: { crm: { base_url: base, methods: ['GET', 'POST'] }, ledger: { base_url: base, methods: ['GET'] } },
      policy: { bundle: bundleDir, watch: false },
    });
    const headers = { authorization: `Bearer ${gw2.userKey}`, 'content-type': 'application/json' };
    expect((await fetch(`${gw2.url}/api/crm/contacts`, { headers })).status).toBe(200);
    const write = await fetch(`${gw2.url}/api/crm/contacts`, { method: 'POST', headers, body: '{"name":"x"}' });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { error: { message: string } }).error.message).toContain('POST to system of record "crm"');
    // A system the gateway knows but the governance data does not is refused.
    const unknown = await fetch(`${gw2.url}/api/ledger/entries`, { headers });
    expect(unknown.status).toBe(403);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('system "ledger" is not a known system');
    await gw2.close();
    crm.close();
  });
});

describe('operations', () => {
  it('every decision is in the audit trail, and the chain verifies', async () => {
    await gw.app.airlock.store!.writer.flush();
    const jsonl = await (await fetch(`${gw.url}/admin/audit/export?format=jsonl`, { headers: { authorization: `Bearer ${gw.adminKey}` } })).text();
    const decisions = jsonl.trim().split('\n').map((l) => JSON.parse(l) as { action: string; details: string }).filter((e) => e.action === 'policy.decision');
    expect(decisions.length).toBeGreaterThanOrEqual(6);
    expect(decisions.map((d) => (JSON.parse(d.details) as { decision: string }).decision)).toEqual(expect.arrayContaining(['allow', 'deny', 'hold']));
    expect(JSON.parse(decisions[0]!.details)).toHaveProperty('input_sha256');
    const verify = (await (await fetch(`${gw.url}/admin/audit/verify`, { headers: { authorization: `Bearer ${gw.adminKey}` } })).json()) as { ok: boolean };
    expect(verify.ok).toBe(true);
  });

  it('the evaluate endpoint answers for a given input', async () => {
    const res = await fetch(`${gw.url}/admin/policies/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { principal: { team: 'support' }, call: { api: 'openai.chat', provider: 'openai', model: 'gpt-4o', pii: {} }, usage: { key: {}, team: {} } } }),
    });
    const body = (await res.json()) as { decision: { allow: boolean; deny: string[] }; explanation: { rule: string; file: string; row: number }[] };
    expect(body.decision.allow).toBe(false);
    expect(body.decision.deny[0]).toContain('not allowed for team "support"');
    // Which rules fired, with file:line: the model allowlist's deny among them.
    expect(body.explanation).toContainEqual(expect.objectContaining({ rule: 'data.airlock.deny', row: 6 }));
    expect(body.explanation.find((f) => f.rule === 'data.airlock.deny')!.file).toMatch(/models\.rego$/);
  });

  it('a bundle that fails its own tests is refused on reload and the previous one keeps serving', async () => {
    const before = ((await (await fetch(`${gw.url}/admin/policies`, { headers: { authorization: `Bearer ${gw.adminKey}` } })).json()) as { revision: string }).revision;
    await writeFile(join(bundleDir, 'broken_test.rego'), 'package airlock_test\n\ntest_broken if { 1 == 2 }\n');
    const res = await fetch(`${gw.url}/admin/policies/reload`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminKey}` } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { revision: string }).revision).toBe(before);
    expect((await openai(gw.userKey).chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'still served' }] })).choices).toHaveLength(1);
    await rm(join(bundleDir, 'broken_test.rego'));
    expect((await fetch(`${gw.url}/admin/policies/reload`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminKey}` } })).status).toBe(200);
    // Both attempts are administrative acts on the record: the refusal and the accepted reload, with who asked.
    await gw.app.airlock.store!.writer.flush();
    const jsonl = await (await fetch(`${gw.url}/admin/audit/export?format=jsonl`, { headers: { authorization: `Bearer ${gw.adminKey}` } })).text();
    const reloads = jsonl.trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string; subject: string }).filter((e) => e.action.startsWith('policy.re'));
    expect(reloads.slice(-2)).toEqual([
      expect.objectContaining({ action: 'policy.refused', actor: 'admin', subject: before }),
      expect.objectContaining({ action: 'policy.reloaded', actor: 'admin', subject: before }),
    ]);
  });

  it('reloads by itself when a bundle file changes (policy.watch)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-watch-'));
    await writeFile(join(dir, 'policy.rego'), 'package airlock\n\ndecision := {"allow": true, "deny": []}\n');
    const gw2 = await startGateway({ ...models(upstream), policy: { bundle: dir, watch: true } });
    const client = new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 });
    expect((await client.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'x' }] })).choices).toHaveLength(1);
    await writeFile(join(dir, 'policy.rego'), 'package airlock\n\ndecision := {"allow": false, "deny": ["closed for maintenance"]}\n');
    let error: unknown;
    for (const until = Date.now() + 10_000; !error && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      error = await client.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'x' }] }).then(() => undefined, (e: unknown) => e);
    }
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as Error).message).toContain('closed for maintenance');
    await gw2.close();
  });

  it('evaluates a candidate bundle without swapping it in', async () => {
    const candidate = { modules: [{ file: 'c.rego', source: 'package airlock\n\ndecision := {"allow": input.ok == true, "deny": []}\n' }] };
    const res = await fetch(`${gw.url}/admin/policies/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { ok: true }, candidate }),
    });
    expect(await res.json()).toMatchObject({ decision: { allow: true }, revision: 'candidate', explanation: [{ rule: 'data.airlock.decision', file: 'c.rego', row: 3 }] });
    const broken = await fetch(`${gw.url}/admin/policies/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: {}, candidate: { modules: [{ file: 'b.rego', source: 'package airlock\n\ndecision := [' }] } }),
    });
    expect(broken.status).toBe(422);
  });

  it('routes with fallbacks: the decision\'s fallback models serve when the routed one fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-route-'));
    await writeFile(join(dir, 'policy.rego'), 'package airlock\n\ndecision := {"allow": true, "deny": [], "route": {"model": "gpt-test", "fallbacks": ["claude-test"]}}\n');
    const gw2 = await startGateway({ ...models(upstream), policy: { bundle: dir, watch: false } });
    upstream.behave({ kind: 'status', status: 503 }, 1);
    const { response } = await new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 }).chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(response.headers.get('x-airlock-served-by')).toBe('anthropic/claude-upstream');
    await gw2.close();
  });

  it('a bundle may choose fail_open in its .manifest: an engine error then lets the call through', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-open-'));
    await writeFile(join(dir, '.manifest'), JSON.stringify({ metadata: { fail_open: true } }));
    await writeFile(join(dir, 'policy.rego'), 'package airlock\n\ndecision := {"allow": true, "deny": [], "x": 1 / count(input.nothing)}\n');
    const gw2 = await startGateway({ ...models(upstream), policy: { bundle: dir, watch: false } });
    const ok = await new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 }).chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'x' }] });
    expect(ok.choices).toHaveLength(1);
    await gw2.close();
  });

  it('fails closed: an engine error denies the call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-bad-bundle-'));
    await writeFile(join(dir, 'policy.rego'), 'package airlock\n\ndecision := {"allow": true, "deny": [], "x": 1 / (count(input.principal.roles) - count(input.principal.roles))}\n');
    const gw2 = await startGateway({ ...models(upstream), policy: { bundle: dir, watch: false } });
    const error = await new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 }).chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as Error).message).toContain('policy evaluation failed: eval_builtin_error: div: divide by zero');
    // The caller gets the reason, never the bundle's file and line.
    expect((error as Error).message).not.toContain('policy.rego');
    expect((error as Error).message).not.toContain(dir);
    // An admin evaluating the same bundle gets a 422 with the location, not a 500.
    const evaluated = await fetch(`${gw2.url}/admin/policies/evaluate`, { method: 'POST', headers: { authorization: `Bearer ${gw2.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ input: { principal: { roles: [] } } }) });
    expect(evaluated.status).toBe(422);
    expect(((await evaluated.json()) as { error: { message: string } }).error.message).toMatch(/policy\.rego:3: eval_builtin_error/);
    await gw2.close();
  });

  it('a runaway policy ends at policy.max_steps and fails closed, and the gateway keeps serving', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-runaway-'));
    await writeFile(join(dir, 'policy.rego'), 'package airlock\n\nbig := [x | some x in numbers.range(1, 1000000)]\n\ndecision := {"allow": count(big) > 0, "deny": []}\n');
    const gw2 = await startGateway({ ...models(upstream), policy: { bundle: dir, watch: false, max_steps: 5_000 } });
    const client = new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as Error).message).toMatch(/policy evaluation failed: .*step limit \(5000\)/);
    expect((await fetch(`${gw2.url}/healthz`)).status).toBe(200);
    await gw2.close();
  });
});
