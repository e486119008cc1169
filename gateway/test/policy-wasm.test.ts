/**
 * The second policy backend: an OPA wasm bundle (policy.wasm, ABI 1.2, as `opa build -t wasm` emits) evaluated through
 * @open-policy-agent/opa-wasm. No opa binary exists here, so the module is a small hand-written one
 * (fixtures/decision-policy.wat), assembled for the test with wabt.
 */
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import wabtInit from 'wabt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './helpers/start-gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  const wabt = await wabtInit();
  const wat = await readFile(new URL('./fixtures/decision-policy.wat', import.meta.url), 'utf8');
  const dir = await mkdtemp(join(tmpdir(), 'airlock-wasm-bundle-'));
  await writeFile(join(dir, 'policy.wasm'), Buffer.from(wabt.parseWat('decision-policy.wat', wat).toBinary({}).buffer));
  await writeFile(join(dir, 'data.json'), JSON.stringify({ governance: { note: 'data reaches the wasm policy through setData' } }));
  gw = await startGateway({ providers: { demo: { kind: 'demo' } }, models: { 'demo-1': { deployments: [{ provider: 'demo', model: 'demo-1' }] } }, policy: { bundle: dir, watch: false } });
});
afterAll(async () => {
  await gw.close();
});

describe('OPA wasm bundles', () => {
  it('decide calls: allowed for one team, denied with the policy\'s reason for another', async () => {
    const ok = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.userKey, maxRetries: 0 }).chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'hi' }] });
    expect(ok.choices).toHaveLength(1);
    const { plainKey } = await gw.keyStore.create({ tenant: 'default', team: 'blocked', user: 'x', roles: ['user'] });
    const error = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: plainKey, maxRetries: 0 }).chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as Error).message).toContain('blocked by the wasm policy');
  });

  it('are named as such by the evaluate endpoint', async () => {
    const res = await fetch(`${gw.url}/admin/policies/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { principal: { team: 'blocked' } } }),
    });
    expect(await res.json()).toMatchObject({ engine: 'wasm', decision: { allow: false, deny: ['blocked by the wasm policy'], labels: { engine: 'wasm' } } });
  });
});
