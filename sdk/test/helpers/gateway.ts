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
  /** Every `METHOD /path` the gateway serves (HEAD, which Fastify adds to each GET, left out). */
  readonly routes: readonly string[];
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
  const routes = servedRoutes(app.printRoutes({ commonPrefix: false }));
  return {
    url,
    routes,
    userKey: plainKey,
    adminKey: ADMIN_KEY,
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls until `read` returns something truthy: the store writes in batches, so records appear shortly after (and
 * a read may fail, e.g. 404, until the first batch is written; the last failure is rethrown at the deadline).
 */
export async function eventually<T>(read: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await read();
      if (value) return value;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw failure ?? new Error('timed out waiting for the store');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Fastify prints its radix tree: a child line holds only the rest of its parent's path (`/admin/me` → `trics/kpis`
 * for `/admin/metrics/kpis`), so paths are rebuilt from the indentation.
 */
function servedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(path);
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}
