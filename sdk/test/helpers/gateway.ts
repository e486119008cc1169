/**
 * A real gateway on 127.0.0.1:0 with the built-in demo model and an embedded store, as a user would run it.
 */
import { buildApp, loadConfig } from '@airlock/gateway';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_KEY = 'sdk-test-admin-key-0123456789';

export interface TestGateway {
  readonly url: string;
  readonly userKey: string;
  readonly adminKey: string;
  close(): Promise<void>;
}

export async function startGateway(): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-sdk-'));
  // The built-in default config (demo models, embedded store under the data folder), as `npm start` runs it.
  const config = await loadConfig(undefined, { env: { AIRLOCK_ADMIN_KEY: ADMIN_KEY }, cwd: dir });
  const app = await buildApp({ config });
  const { plainKey } = await app.airlock.keys.create({ tenant: 'default', team: 'support', user: 'ann', roles: ['user'] });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    userKey: plainKey,
    adminKey: ADMIN_KEY,
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `read` returns something truthy: the store writes in batches, so records appear shortly after. */
export async function eventually<T>(read: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the store');
    await new Promise((r) => setTimeout(r, 200));
  }
}
