/**
 * For the stages' unit tests: a call context as the ingress makes it, a resolved config, and a way to run one stage
 * with a `next` that answers (or fails) as the test says and counts how often it was called.
 */
import { CallSignal } from '../../src/contracts/call-signal.js';
import { resolveConfig, type GatewayConfig } from '../../src/config/load.js';
import type { ConfigFileInput } from '../../src/config/schema.js';
import { createCallContext, type CallContext } from '../../src/pipeline/call-context.js';
import type { Answer, Stage, StageResult } from '../../src/pipeline/stage.js';

export function config(raw: Partial<ConfigFileInput> = {}, env: Record<string, string> = {}): GatewayConfig {
  return resolveConfig(
    {
      store: { kind: 'none' },
      policy: { enabled: false },
      providers: { oa: { kind: 'openai', base_url: 'http://127.0.0.1:9/v1' }, demo: { kind: 'demo' } },
      models: {
        'gpt-x': { aliases: ['gpt-alias'], deployments: [{ provider: 'oa', model: 'gpt-upstream', region: 'eu' }] },
        'demo-1': { deployments: [{ provider: 'demo', model: 'demo-1' }] },
      },
      ...raw,
    },
    { source: 'test', env, baseDir: '/tmp' },
  );
}

export function callContext(init: Partial<Parameters<typeof createCallContext>[0]> = {}): CallContext {
  return createCallContext({ api: 'openai.chat', shape: 'openai', headers: {}, signal: new CallSignal(), ...init });
}

export function bufferedAnswer(body: unknown, status?: number): Answer {
  return { ...(status ? { status } : {}), headers: { 'content-type': 'application/json' }, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), outcome: Promise.resolve(null) };
}

/** A `next` that gives `answer` (a value, a promise, or a function that throws) and counts its calls. */
export function nextGiving(answer: StageResult | (() => StageResult)): (() => StageResult) & { calls: number } {
  const next = Object.assign(
    () => {
      next.calls++;
      return typeof answer === 'function' ? answer() : answer;
    },
    { calls: 0 },
  );
  return next;
}

export function runStage(stage: Stage, ctx: CallContext, next: () => StageResult = nextGiving(bufferedAnswer({}))): StageResult {
  return stage.run(ctx, next);
}
