/**
 * A real gateway for the browser tests: the built-in default config (demo models, redaction, embedded store) in a
 * temporary folder, the default policy bundle with four eyes on risky actions (`risk.quorum` 2), keys of every
 * console role (two approvers), and one system of record (`crm`, a local stand-in answering JSON) whose writes the
 * default bundle holds for approval.
 */
import { buildApp, loadConfig, resolveConfig } from '@airlock/gateway';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_KEY = 'console-test-admin-key-0123456789';

export interface TestGateway {
  readonly url: string;
  /** A key per role, all in the default tenant. */
  readonly keys: Readonly<Record<'admin' | 'compliance' | 'analyst' | 'operator' | 'approver' | 'approver2' | 'user', string>>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function startGateway(): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-console-'));
  const crm = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"loan-1"}'));
  });
  await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
  const base = await loadConfig(undefined, { env: { AIRLOCK_ADMIN_KEY: ADMIN_KEY }, cwd: dir });
  const bundle = join(dir, 'bundle');
  await cp(base.policy!.bundleDir, bundle, { recursive: true });
  const data = JSON.parse(await readFile(join(bundle, 'data.json'), 'utf8')) as { governance: { risk: Record<string, unknown> } };
  data.governance.risk.quorum = 2;
  await writeFile(join(bundle, 'data.json'), JSON.stringify(data));
  // These sections come from a config of their own, resolved as any config file is (their defaults included).
  const { systems, policy, approvals } = resolveConfig(
    {
      systems: { crm: { base_url: `http://127.0.0.1:${(crm.address() as AddressInfo).port}`, methods: ['GET', 'POST'] } },
      policy: { bundle, watch: false },
      approvals: { poll_ms: 100, settle_ms: 30 },
    },
    { source: 'console test', env: {}, baseDir: dir },
  );
  const config = { ...base, systems, policy, approvals };
  const app = await buildApp({ config });
  const make = async (role: string, user = `${role}-user`) => (await app.airlock.keys.create({ tenant: 'default', team: 'support', user, roles: [role] })).plainKey;
  const keys = {
    admin: await make('admin'),
    compliance: await make('compliance'),
    analyst: await make('analyst'),
    operator: await make('operator'),
    approver: await make('approver', 'ann-approver'),
    approver2: await make('approver', 'ben-approver'),
    user: await make('user'),
  };
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    keys,
    flush: () => app.airlock.store!.writer.flush(),
    async close() {
      await app.close();
      await new Promise((r) => crm.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
