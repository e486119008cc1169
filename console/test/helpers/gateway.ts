/**
 * A real gateway for the browser tests: the built-in default config (demo models, default policy bundle,
 * redaction, embedded store) in a temporary folder, with keys of every console role.
 */
import { buildApp, loadConfig } from '@airlock/gateway';
import { mkdtemp, rm } from 'node:fs/promises';
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
  const config = await loadConfig(undefined, { env: { AIRLOCK_ADMIN_KEY: ADMIN_KEY }, cwd: dir });
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
      await rm(dir, { recursive: true, force: true });
    },
  };
}
