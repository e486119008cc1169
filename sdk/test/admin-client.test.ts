/**
 * The admin client against a real gateway: it covers every admin route the gateway serves, and each method
 * answers with what the console reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES, createAirlock, HttpError, type Airlock } from '../src/index.js';
import { eventually, startGateway, type TestGateway } from './helpers/gateway.js';

let gw: TestGateway;
let admin: Airlock['admin'];

beforeAll(async () => {
  gw = await startGateway();
  admin = createAirlock({ baseURL: gw.url, apiKey: gw.adminKey }).admin;
});
afterAll(async () => {
  await gw?.close();
});

describe('admin client', () => {
  it('has a method for every admin route the gateway serves', () => {
    const served = gw.routes.filter((r) => r.includes(' /admin/') || r.endsWith(' /metrics')).sort();
    expect(served.length).toBeGreaterThan(10);
    expect([...ADMIN_ROUTES].sort()).toEqual(served);
  });

  it('reads calls, runs, traces and metrics the gateway recorded', async () => {
    const headers = { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', 'x-airlock-workflow': 'wf', 'x-airlock-run': 'r1', 'x-airlock-step': 's1' };
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 'demo-1', messages: [{ role: 'user', content: 'hi' }] }) });
    const callId = res.headers.get('x-airlock-call-id')!;
    const page = await eventually(async () => ((await admin.calls.list({ workflow: 'wf' })).calls.length ? admin.calls.list({ workflow: 'wf', limit: 1 }) : null));
    expect(page.calls[0]).toMatchObject({ call_id: callId, workflow: 'wf', run_id: 'r1', step: 's1', team: 'support' });
    const detail = await admin.calls.get(callId);
    expect(detail.call.call_id).toBe(callId);
    expect(detail.spans.length).toBeGreaterThan(0);
    expect((await admin.runs.get('r1')).calls).toHaveLength(1);
    expect((await admin.traces.get(detail.call.trace_id)).spans.length).toBeGreaterThan(0);
    expect(Number((await admin.metrics.kpis({ bucket: 'day' })).rows[0]!.calls)).toBeGreaterThan(0);
    expect((await admin.metrics.steps({ workflow: 'wf' })).rows[0]).toMatchObject({ step: 's1' });
    expect(Array.isArray((await admin.metrics.transitions()).rows)).toBe(true);
    expect(await admin.metrics.process({ workflow: 'wf' })).toMatchObject({ workflow: 'wf', runs: 1, variants: [{ path: ['s1'], runs: 1 }] });
    await expect(admin.metrics.process({ workflow: '' })).rejects.toMatchObject({ status: 400 });
    // A range the store cannot read is the caller's mistake, named, never a 500 from ClickHouse.
    await expect(admin.metrics.steps({ from: 'yesterday' })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('from') });
    await expect(admin.metrics.process({ workflow: 'wf', to: 'soon' })).rejects.toMatchObject({ status: 400 });
    expect(await admin.metrics.prometheus()).toContain('# TYPE');
    expect((await admin.deployments()).deployments.length).toBeGreaterThan(0);
  });

  it('administers keys, policies and the audit trail', async () => {
    expect(await admin.me()).toMatchObject({ roles: expect.arrayContaining(['admin']) });
    const created = await admin.keys.create({ team: 'risk', user: 'rita', roles: ['analyst'] });
    expect(created.key).toMatch(/^alk_/);
    expect((await admin.keys.list()).keys.map((k) => k.id)).toContain(created.id);
    const analyst = createAirlock({ baseURL: gw.url, apiKey: created.key }).admin;
    expect(await analyst.me()).toMatchObject({ team: 'risk', user: 'rita', roles: ['analyst'] });
    expect(await admin.keys.revoke(created.id)).toEqual({ id: created.id, revoked: true });
    await expect(analyst.me()).rejects.toBeInstanceOf(HttpError);
    expect((await admin.policies.get()).revision).toBeTruthy();
    const evaluated = await admin.policies.evaluate({ input: { call: { model: 'demo-1' } } });
    expect(evaluated).toHaveProperty('decision');
    expect(await admin.audit.verify()).toMatchObject({ ok: true, sealed: true });
    const { public_key, checkpoints } = await admin.audit.checkpoints();
    expect(public_key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const shipped = checkpoints.map((c) => JSON.stringify(c) + '\n').join('');
    expect(await admin.audit.verify({ checkpoints: shipped, public_key })).toMatchObject({ ok: true });
    const jsonl = await admin.audit.export({ format: 'jsonl' });
    expect(typeof jsonl).toBe('string');
    expect(jsonl).toContain(created.id);
  });

  it('throws HttpError with the gateway code for a missing call', async () => {
    const error = (await admin.calls.get('no-such-call').catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(404);
    expect(error.code).toBe('GW_ERR_NOT_FOUND');
  });
  it('reads the approval queue and its live stream', async () => {
    expect(await admin.approvals.list({ status: 'pending' })).toEqual({ approvals: [], next_cursor: null });
    await expect(admin.approvals.get('apr_' + '0'.repeat(32))).rejects.toMatchObject({ status: 404 });
    await expect(admin.approvals.approve('apr_' + '0'.repeat(32), { reason: '' })).rejects.toMatchObject({ status: 400 });
    await expect(admin.approvals.list({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ status: 400 });
    // The stream stays open until the caller stops it; stopping it ends the iteration without an error.
    const controller = new AbortController();
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const change of admin.approvals.stream({ signal: controller.signal })) seen.push(change);
    })();
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await reading;
    expect(seen).toEqual([]);
    const user = createAirlock({ baseURL: gw.url, apiKey: gw.userKey }).admin;
    await expect(user.approvals.stream()[Symbol.asyncIterator]().next()).rejects.toMatchObject({ status: 403 });
  });

  it('parses approval events however the stream is cut', async () => {
    const change = (n: number) => ({ change: 'requested', approval: { approval_id: `apr_${n}`, status: 'pending' } });
    const wire = `: connected\r\n\r\nevent: approval\ndata: ${JSON.stringify(change(1))}\n\n: keep-alive\n\nevent: approval\ndata: ${JSON.stringify(change(2))}\n\n`;
    for (const size of [1, 3, 7, 64]) {
      const bytes = new TextEncoder().encode(wire);
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size));
          c.close();
        },
      });
      const fake = createAirlock({ baseURL: 'http://127.0.0.1:1', apiKey: 'k', fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }) }).admin;
      const got: unknown[] = [];
      for await (const c of fake.approvals.stream()) got.push(c);
      expect(got).toEqual([change(1), change(2)]);
    }
  });
});
