/**
 * Starts a real gateway on 127.0.0.1:0 in front of a fake upstream, with a temporary key store, an admin key and
 * one ordinary user key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import type { KeyStore } from '../../src/auth/key-store.js';
import { resolveConfig } from '../../src/config/load.js';
import type { ConfigFileInput } from '../../src/config/schema.js';
import type { FakeUpstream } from '../fake-upstream/index.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface TestGateway {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly adminKey: string;
  readonly userKey: string;
  readonly keyStore: KeyStore;
  close(): Promise<void>;
}

/** Models served by the fake upstream: `gpt-test` (OpenAI wire format) and `claude-test` (Anthropic). */
export function fakeUpstreamConfig(upstream: FakeUpstream, extra: Partial<ConfigFileInput> = {}): ConfigFileInput {
  return {
    providers: {
      openai: {
        kind: 'openai',
        base_url: upstream.openaiBaseUrl,
        api_key_env: 'FAKE_OPENAI_KEY',
        forward_headers: ['OpenAI-Organization', 'OpenAI-Project'],
        timeouts: { first_byte_ms: 2_000, idle_ms: 2_000, total_ms: 10_000 },
      },
      anthropic: { kind: 'anthropic', base_url: upstream.anthropicBaseUrl, api_key_env: 'FAKE_ANTHROPIC_KEY', timeouts: { first_byte_ms: 2_000, idle_ms: 2_000, total_ms: 10_000 } },
      demo: { kind: 'demo' },
    },
    models: {
      // One attempt each, so these models show how single failures reach clients (routing has its own suite).
      'gpt-test': { aliases: ['gpt-alias'], retry: { max_attempts: 1 }, deployments: [{ provider: 'openai', model: 'gpt-upstream' }] },
      'claude-test': { retry: { max_attempts: 1 }, deployments: [{ provider: 'anthropic', model: 'claude-upstream' }] },
      'demo-1': { deployments: [{ provider: 'demo', model: 'demo-1' }] },
    },
    ...extra,
  };
}

export const FAKE_ENV = { FAKE_OPENAI_KEY: 'sk-upstream-openai', FAKE_ANTHROPIC_KEY: 'sk-upstream-anthropic', AIRLOCK_ADMIN_KEY: ADMIN_KEY };

export async function startGateway(
  raw: ConfigFileInput,
  options: { env?: Record<string, string>; build?: Partial<BuildAppOptions>; team?: string } = {},
): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-gw-'));
  // Suites that are not about recording or policy run without a store or bundle; those that are pass them.
  const config = resolveConfig(
    { store: { kind: 'none' }, policy: { enabled: false }, ...raw, keys: { file: join(dir, 'keys.json') } },
    { source: 'test', env: { ...FAKE_ENV, ...options.env }, baseDir: dir },
  );
  const app = await buildApp({ config, ...options.build });
  const keyStore = app.airlock.keys;
  const { plainKey } = await keyStore.create({ tenant: 'default', team: options.team ?? 'platform', user: 'tester', roles: ['user'] });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    adminKey: ADMIN_KEY,
    userKey: plainKey,
    keyStore,
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
