/**
 * Held calls across real gateway processes (`airlock serve`) sharing one real ClickHouse server: a decision taken on
 * one replica releases a call held on the other; racing approvers on two replicas; a SIGKILL during a hold (the
 * approval is reloaded at start) and during execution: a model call, or an API call to a system that does not
 * declare idempotency keys, is reported interrupted and never sent again; a call to a system that honours them is
 * re-run by another process under the same key, so the effect happens once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChdbHttpServer, type ChdbHttpServer } from '../../clickhouse/test/chdb-http-server.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { APPROVALS_BUNDLE } from './helpers/approvals.js';

const BIN = new URL('../bin/airlock.mjs', import.meta.url).pathname;
const ADMIN = 'test-admin-key-processes-0123456789';
const ENV = { AIRLOCK_ADMIN_KEY: ADMIN, AIRLOCK_ENCRYPTION_KEY: randomBytes(32).toString('base64'), FAKE_OPENAI_KEY: 'sk-upstream', AIRLOCK_AUDIT_KEY: randomBytes(32).toString('hex') };
const LEASE_MS = 1_500;

let root: string;
let clickhouse: ChdbHttpServer;
let upstream: FakeUpstream;
let crm: Server;
/** The system of record: acts once per idempotency key, however often it is asked. */
const crmActed = new Map<string, unknown>();
const crmAsked: string[] = [];
let crmDelayMs = 0;
let configPath: string;

interface Gateway {
  readonly url: string;
  readonly child: ChildProcess;
}
const running: Gateway[] = [];

async function serve(name: string): Promise<Gateway> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configPath, '--port', '0'], { cwd: dir, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway ${name} did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway ${name} exited with ${code}: ${out}`)));
  });
  const gw = { url, child };
  running.push(gw);
  return gw;
}

async function kill(gw: Gateway): Promise<void> {
  // A process killed before has a signal code, not an exit code.
  if (gw.child.exitCode !== null || gw.child.signalCode !== null) return;
  const exited = new Promise((r) => gw.child.once('exit', r));
  gw.child.kill('SIGKILL');
  await exited;
}

async function call(gw: Gateway, method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(gw.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

async function clickhouseCount(sql: string): Promise<number> {
  const res = await fetch(`${clickhouse.url}/?query=${encodeURIComponent(sql)}`);
  return Number((await res.text()).trim());
}

const keys: Record<string, string> = {};
let a: Gateway;
let b: Gateway;

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const status = (gw: Gateway, id: string) => call(gw, 'GET', `/v1/approvals/${id}`, keys.user!);
const asyncHeaders = (stepName: string) => ({ 'x-airlock-approval-mode': 'async', 'x-airlock-workflow': 'replicas', 'x-airlock-step': stepName });
const chat = (content: string) => ({ model: 'gpt-test', messages: [{ role: 'user', content }] });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-approvals-processes-'));
  clickhouse = await startChdbHttpServer(join(root, 'clickhouse'));
  upstream = await startFakeUpstream();
  crm = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      crmAsked.push(key);
      if (!crmActed.has(key)) crmActed.set(key, JSON.parse(body || 'null'));
      setTimeout(() => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ done: crmActed.get(key) }));
      }, crmDelayMs).unref();
    });
  });
  await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
  const bundle = join(root, 'bundle');
  await cp(APPROVALS_BUNDLE, bundle, { recursive: true });
  configPath = join(root, 'airlock.json');
  await writeFile(
    configPath,
    JSON.stringify({
      providers: { openai: { kind: 'openai', base_url: upstream.openaiBaseUrl, api_key_env: 'FAKE_OPENAI_KEY' } },
      models: { 'gpt-test': { retry: { max_attempts: 1 }, deployments: [{ provider: 'openai', model: 'gpt-upstream' }] } },
      systems: {
        crm: { base_url: `http://127.0.0.1:${(crm.address() as AddressInfo).port}`, methods: ['GET', 'POST'], idempotency_keys: true },
        // The same server, not declared to honour idempotency keys.
        ledger: { base_url: `http://127.0.0.1:${(crm.address() as AddressInfo).port}`, methods: ['GET', 'POST'] },
      },
      store: { kind: 'server', url: clickhouse.url, start_wait_ms: 20_000 },
      policy: { bundle, watch: false },
      approvals: { poll_ms: 100, settle_ms: 100, lease_ms: LEASE_MS, max_wait_ms: 20_000 },
    }),
  );
  a = await serve('a');
  b = await serve('b');
  const make = async (name: string, roles: string[]) => {
    const r = await call(a, 'POST', '/admin/keys', ADMIN, { team: 'platform', user: name, roles });
    keys[name] = String(r.body.key);
  };
  await make('user', ['user']);
  await make('alice', ['approver']);
  await make('bob', ['approver']);
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map(kill));
  crm?.closeAllConnections();
  crm?.close();
  await clickhouse?.kill();
  await upstream?.close();
  await rm(root, { recursive: true, force: true });
}, 30_000);

/** Holds a call on `gw` in async mode; gives its approval id. */
async function holdAsync(gw: Gateway, stepName: string, path = '/v1/chat/completions', body: unknown = chat(stepName)): Promise<string> {
  const r = await call(gw, 'POST', path, keys.user!, body, asyncHeaders(stepName));
  expect(r.status).toBe(202);
  return String(r.body.approval_id);
}

describe('two gateway processes on one ClickHouse server', () => {
  it('an approval decided on one replica releases the call waiting on the other, which runs it once', async () => {
    const before = upstream.requests.length;
    const waiting = call(a, 'POST', '/v1/chat/completions', keys.user!, chat('held on a'), { 'x-airlock-workflow': 'replicas', 'x-airlock-step': 'pay-wait' });
    const queue = await eventually(
      () => call(b, 'GET', '/admin/approvals?status=pending', keys.alice!),
      (r) => (r.body.approvals as { workflow: { step: string } | null }[] | undefined)?.some((x) => x.workflow?.step === 'pay-wait') === true,
    );
    const id = String((queue.body.approvals as { approval_id: string; workflow: { step: string } }[]).find((x) => x.workflow.step === 'pay-wait')!.approval_id);
    expect((await call(b, 'POST', `/admin/approvals/${id}/approve`, keys.alice!, { reason: 'ok from b' })).status).toBe(200);
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-airlock-approval-id')).toBe(id);
    expect(upstream.requests.length).toBe(before + 1);
    expect((await eventually(() => status(b, id), (r) => r.body.status === 'executed')).body.status).toBe('executed');
  });

  it('two approvers racing on two replicas: one decision counts, the other is a 409, and the call runs once', async () => {
    const before = upstream.requests.length;
    const id = await holdAsync(a, 'pay-race');
    const votes = await Promise.all([
      call(a, 'POST', `/admin/approvals/${id}/reject`, keys.alice!, { reason: 'no' }),
      call(b, 'POST', `/admin/approvals/${id}/approve`, keys.bob!, { reason: 'yes' }),
    ]);
    const codes = votes.map((v) => v.status).sort();
    expect(codes).toEqual([200, 409]);
    const winner = votes.find((v) => v.status === 200)!.body.status;
    const final = await eventually(() => status(b, id), (r) => r.body.status === (winner === 'approved' ? 'executed' : 'rejected'));
    expect(final.body.status).toBe(winner === 'approved' ? 'executed' : 'rejected');
    // Both replicas watch it for a while: still one run, one outcome.
    await new Promise((r) => setTimeout(r, LEASE_MS + 500));
    expect(upstream.requests.length).toBe(before + (winner === 'approved' ? 1 : 0));
    expect(await clickhouseCount(`SELECT count() FROM approval_events WHERE approval_id = '${id}' AND kind IN ('executed', 'failed')`)).toBe(winner === 'approved' ? 1 : 0);
  });

  it('the approved call nobody waits for runs once, whichever replica sees the approval first', async () => {
    const before = upstream.requests.length;
    const id = await holdAsync(b, 'pay-async');
    expect((await call(a, 'POST', `/admin/approvals/${id}/approve`, keys.alice!, { reason: 'go' })).status).toBe(200);
    const done = await eventually(() => status(a, id), (r) => r.body.status === 'executed');
    expect(done.body).toMatchObject({ status: 'executed', result: { status: 200 } });
    await new Promise((r) => setTimeout(r, LEASE_MS + 500));
    expect(upstream.requests.length).toBe(before + 1);
    expect(await clickhouseCount(`SELECT count() FROM approval_events WHERE approval_id = '${id}' AND kind = 'executed'`)).toBe(1);
  });
});

describe('SIGKILL', () => {
  it('during a hold: the approval is reloaded when the gateway starts again, and runs once approved', async () => {
    const before = upstream.requests.length;
    const id = await holdAsync(a, 'pay-kill-hold');
    await kill(a);
    a = await serve('a');
    expect((await status(a, id)).body.status).toBe('pending');
    expect((await call(a, 'POST', `/admin/approvals/${id}/approve`, keys.alice!, { reason: 'after the restart' })).status).toBe(200);
    const done = await eventually(() => status(a, id), (r) => r.body.status === 'executed');
    expect(done.body.status).toBe('executed');
    expect(upstream.requests.length).toBe(before + 1);
  });

  it('during execution of a model call and of an API call to a system without idempotency keys: reported interrupted by the other process, never sent twice', async () => {
    const before = upstream.requests.length;
    const body = chat('pay-kill-model');
    const model = await holdAsync(a, 'pay-kill-model', '/v1/chat/completions', body);
    const api = await holdAsync(a, 'ledger-kill', '/api/ledger/payments', { payee: 'ACME', amount: 700 });
    const asked = crmAsked.length;
    upstream.behave({ kind: 'slow', delayMs: 4_000 }, 1);
    crmDelayMs = 4_000;
    try {
      for (const id of [model, api]) expect((await call(b, 'POST', `/admin/approvals/${id}/approve`, keys.alice!, { reason: 'run it' })).status).toBe(200);
      // The holding process claims both and sends them; it dies before either answers.
      await eventually(async () => upstream.requests.length + crmAsked.length, (n) => n >= before + asked + 2, 10_000);
      await kill(a);
      for (const id of [model, api]) {
        const failed = await eventually(() => status(b, id), (r) => r.body.status === 'failed', 30_000);
        expect(failed.body).toMatchObject({ status: 'failed', error: { code: 'GW_ERR_APPROVAL_INTERRUPTED', message: expect.stringContaining('not sent again') } });
        expect(await clickhouseCount(`SELECT count() FROM approval_events WHERE approval_id = '${id}' AND kind = 'started'`)).toBe(1);
        expect(await clickhouseCount(`SELECT count() FROM approval_events WHERE approval_id = '${id}' AND kind = 'executed'`)).toBe(0);
      }
      // Leases pass, both replicas watch: still one request each.
      await new Promise((r) => setTimeout(r, LEASE_MS * 2));
      expect(upstream.requests.length).toBe(before + 1);
      expect(crmAsked.slice(asked)).toEqual([api]);
      // The caller reconnecting (wait mode, same request) is told, in its shape, and nothing is sent.
      const again = await call(b, 'POST', '/v1/chat/completions', keys.user!, body, { 'x-airlock-workflow': 'replicas', 'x-airlock-step': 'pay-kill-model', 'x-airlock-approval-id': model });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: { code: 'GW_ERR_APPROVAL_INTERRUPTED' } });
      expect(upstream.requests.length).toBe(before + 1);
    } finally {
      crmDelayMs = 0;
      a = await serve('a');
    }
  }, 60_000);

  it('during execution to a system that honours idempotency keys: another process re-runs it under the same key after the lease; the effect happens once', async () => {
    crmDelayMs = 4_000;
    try {
      const id = await holdAsync(a, 'crm-kill', '/api/crm/payments', { payee: 'ACME', amount: 900 });
      const asked = crmAsked.length;
      expect((await call(b, 'POST', `/admin/approvals/${id}/approve`, keys.alice!, { reason: 'pay it' })).status).toBe(200);
      // The holding process claims it and forwards it; it dies before the system answers.
      await eventually(async () => crmAsked.length, (n) => n > asked, 10_000);
      await kill(a);
      const done = await eventually(() => status(b, id), (r) => r.body.status === 'executed', 30_000);
      expect(done.body).toMatchObject({ status: 'executed', result: { status: 201, body: { done: { payee: 'ACME', amount: 900 } } } });
      const asks = crmAsked.slice(asked);
      expect(asks.length).toBeGreaterThanOrEqual(2);
      expect(new Set(asks)).toEqual(new Set([id]));
      expect([...crmActed.keys()].filter((k) => k === id)).toHaveLength(1);
      expect(await clickhouseCount(`SELECT count() FROM approval_events WHERE approval_id = '${id}' AND kind = 'executed'`)).toBe(1);
    } finally {
      crmDelayMs = 0;
      a = await serve('a');
    }
  }, 60_000);
});
