/**
 * The audit trail through a running gateway: checkpoints signed on an interval and at shutdown, to the checkpoint
 * file, the log and GET /admin/audit/checkpoints; verification against checkpoints shipped elsewhere; each tenant's
 * admin sees and verifies only its own trail.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './helpers/start-gateway.js';

let gw: TestGateway;
let outside: string;
const logLines: Record<string, unknown>[] = [];

const admin = (path: string, init: RequestInit = {}, key = gw.adminKey) =>
  fetch(gw.url + path, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });

interface Checkpoint {
  tenant: string;
  seq: number;
  head: string;
  at: string;
  key_id: string;
  sig: string;
}

beforeAll(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
  outside = await mkdtemp(join(tmpdir(), 'airlock-checkpoints-'));
  gw = await startGateway(
    { store: { kind: 'embedded', path: 'data/clickhouse' }, audit: { checkpoint_interval_s: 0.2, checkpoint_file: join(outside, 'checkpoints.jsonl') } },
    { build: { logger: { level: 'info', stream } } },
  );
});
afterAll(async () => {
  await gw?.close();
  await rm(outside, { recursive: true, force: true });
});

async function keyCreated(user: string): Promise<void> {
  expect((await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ team: 'risk', user }) })).status).toBe(201);
}

async function checkpoints(key = gw.adminKey): Promise<{ tenant: string; key_id: string; public_key: string; checkpoints: Checkpoint[] }> {
  const res = await admin('/admin/audit/checkpoints', {}, key);
  expect(res.status).toBe(200);
  return (await res.json()) as { tenant: string; key_id: string; public_key: string; checkpoints: Checkpoint[] };
}

describe('signed checkpoints', () => {
  it('are written on the interval for a trail that moved, to the API and the log, with a printable public key', async () => {
    await keyCreated('ann');
    await keyCreated('bob');
    const deadline = Date.now() + 5_000;
    let view = await checkpoints();
    while (!view.checkpoints.some((c) => c.seq === 2) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      view = await checkpoints();
    }
    expect(view.tenant).toBe('default');
    expect(view.public_key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const latest = view.checkpoints.at(-1)!;
    expect(latest).toMatchObject({ tenant: 'default', seq: 2, key_id: view.key_id });
    expect(logLines.some((l) => l.msg === 'audit checkpoint' && (l.audit_checkpoint as Checkpoint).sig === latest.sig)).toBe(true);
    // No new entries: no new checkpoint, however many intervals pass.
    await new Promise((r) => setTimeout(r, 500));
    expect((await checkpoints()).checkpoints).toHaveLength(view.checkpoints.length);
    const verify = (await (await admin('/admin/audit/verify')).json()) as { ok: boolean; entries: number; sealed: boolean; checkpoints: { checked: number } };
    expect(verify).toMatchObject({ ok: true, entries: 2, sealed: true, checkpoints: { checked: view.checkpoints.length } });
  });

  it('checkpoints shipped elsewhere are verified by POST /admin/audit/verify; an edited one is named', async () => {
    const view = await checkpoints();
    const text = view.checkpoints.map((c) => JSON.stringify(c)).join('\n') + '\n';
    const ok = await admin('/admin/audit/verify', { method: 'POST', body: JSON.stringify({ checkpoints: text, public_key: view.public_key }) });
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);

    const forged = text.replace(/"head":"[0-9a-f]{64}"/, `"head":"${'a'.repeat(64)}"`);
    const bad = (await (await admin('/admin/audit/verify', { method: 'POST', body: JSON.stringify({ checkpoints: forged }) })).json()) as { ok: boolean; firstBroken: { reason: string } };
    expect(bad.ok).toBe(false);
    expect(bad.firstBroken.reason).toMatch(/invalid signature/);

    const notJson = (await (await admin('/admin/audit/verify', { method: 'POST', body: JSON.stringify({ checkpoints: 'garbage\n' }) })).json()) as { firstBroken: { reason: string } };
    expect(notJson.firstBroken.reason).toBe('checkpoint line 1 is not JSON');

    const wrongKey = await admin('/admin/audit/verify', { method: 'POST', body: JSON.stringify({ checkpoints: text, public_key: 'not a key' }) });
    expect(wrongKey.status).toBe(400);
    expect(((await wrongKey.json()) as { error: { message: string } }).error.message).toMatch(/public_key/);
    const missing = await admin('/admin/audit/verify', { method: 'POST', body: JSON.stringify({}) });
    expect(missing.status).toBe(400);
  });

  it("another tenant's admin sees and verifies only its own trail", async () => {
    const { plainKey } = await gw.keyStore.create({ tenant: 'other', team: 'ops', user: 'olga', roles: ['admin'] });
    const view = await checkpoints(plainKey);
    expect(view).toMatchObject({ tenant: 'other', checkpoints: [] });
    const verify = (await (await admin('/admin/audit/verify', {}, plainKey)).json()) as { ok: boolean; tenant: string; entries: number };
    expect(verify).toMatchObject({ ok: true, tenant: 'other', entries: 0 });
    const exported = await (await admin('/admin/audit/export?format=jsonl', {}, plainKey)).text();
    expect(exported).toBe('');
  });

  it('a checkpoint of the final head is written at shutdown', async () => {
    await keyCreated('cy');
    const head = gw.app.airlock.store!.audit.head('default')!;
    expect(head.seq).toBe(3);
    await gw.app.close();
    const lines = (await readFile(join(outside, 'checkpoints.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Checkpoint);
    expect(lines.at(-1)).toMatchObject({ tenant: 'default', seq: 3, head: head.hash });
  });
});
