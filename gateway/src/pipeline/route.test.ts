import { describe, expect, it } from 'vitest';
import { UpstreamHttpError, UpstreamTimeoutError } from '../providers/errors.js';
import type { Providers } from '../providers/registry.js';
import type { Router } from '../routing/router.js';
import { bufferedAnswer, callContext, config } from '../../test/helpers/stage-kit.js';
import { routeStage, upstreamToGatewayError } from './route.js';

const cfg = config();
const providers = { forDeployment: () => undefined } as unknown as Providers;

describe('route stage', () => {
  it('sends the call to its model through the router and answers with the response', async () => {
    const response = bufferedAnswer({ ok: 1 });
    const seen: unknown[] = [];
    const router = {
      send: (model: unknown, request: unknown) => {
        seen.push(model, request);
        return Promise.resolve({ deployment: cfg.models.get('gpt-x')!.deployments[0], attempts: [{ deploymentId: 'oa/gpt-upstream', ok: true }], response });
      },
    } as unknown as Router;
    const ctx = callContext();
    ctx.model = cfg.models.get('gpt-x')!;
    ctx.body = { model: 'gpt-x', messages: [] };
    const answer = await routeStage({ router, providers }).run(ctx, () => {
      throw new Error('the innermost stage never hands on');
    });
    expect(answer).toBe(response);
    expect(seen[0]).toBe(ctx.model);
    expect(seen[1]).toMatchObject({ format: 'openai.chat', body: ctx.body, stream: false });
    expect(ctx.deployment?.id).toBe('oa/gpt-upstream');
    expect(ctx.attempts).toHaveLength(1);
  });

  it('a failed route keeps its attempts and fails in the caller\'s terms', async () => {
    const failure = Object.assign(new UpstreamHttpError({ status: 503, message: 'overloaded' }), { attempts: [{ deploymentId: 'oa/gpt-upstream', ok: false }] });
    const router = { send: () => Promise.reject(failure) } as unknown as Router;
    const ctx = callContext();
    ctx.model = cfg.models.get('gpt-x')!;
    await expect(routeStage({ router, providers }).run(ctx, () => bufferedAnswer({}))).rejects.toMatchObject({ code: 'GW_ERR_UPSTREAM', status: 502 });
    expect(ctx.attempts).toHaveLength(1);
  });

  it('maps upstream failures: timeouts 504, 429 with Retry-After, 5xx 502', () => {
    expect(upstreamToGatewayError(new UpstreamTimeoutError('first_byte', 100)).status).toBe(504);
    const limited = upstreamToGatewayError(new UpstreamHttpError({ status: 429, message: 'slow down', retryAfterMs: 2000 }));
    expect(limited).toMatchObject({ status: 429, headers: { 'retry-after': '2' } });
    expect(upstreamToGatewayError(new UpstreamHttpError({ status: 500, message: 'boom' })).status).toBe(502);
  });
});
