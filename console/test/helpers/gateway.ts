/**
 * A real gateway for the browser tests: the built-in default config (demo models, default policy bundle,
 * redaction, embedded store) in a temporary folder, with keys of every console role, and one system of record
 * (`crm`, a local stand-in answering JSON) whose writes the default bundle holds for approval.
 */
import { buildApp, loadConfig, resolveConfig } from '@airlock/gateway';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_KEY = 'console-test-admin-key-0123456789';

export interface TestGateway {
  readonly url: string;
  /** A key per role, all in the default tenant. */
  readonly keys: Readonly<Record<'admin' | 'compliance' | 'analyst' | 'operator' | 'user', string>>;
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
  // The system comes from a config of its own, resolved as any config file is (its retry defaults included).
  const { systems } = resolveConfig(
    { systems: { crm: { base_url: `http://127.0.0.1:${(crm.address() as AddressInfo).port}`, methods: ['GET', 'POST'] } } },
    { source: 'console test', env: {}, baseDir: dir },
  );
  const config = { ...base, systems };
  const app = await buildApp({ config });
  const make = async (role: string) => (await app.airlock.keys.create({ tenant: 'default', team: 'support', user: `${role}-user`, roles: [role] })).plainKey;
  const keys = { admin: await make('admin'), compliance: await make('compliance'), analyst: await make('analyst'), operator: await make('operator'), user: await make('user') };
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
