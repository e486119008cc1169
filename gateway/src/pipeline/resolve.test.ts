import { describe, expect, it } from 'vitest';
import { bufferedAnswer, callContext, config, nextGiving } from '../../test/helpers/stage-kit.js';
import { resolveStage, routeFor } from './resolve.js';

const cfg = config();

describe('resolve stage', () => {
  it('finds the model by name or alias, before anything is decided about it', () => {
    const ctx = callContext();
    ctx.requestedModel = 'gpt-alias';
    const next = nextGiving(bufferedAnswer({}));
    resolveStage({ config: cfg }).run(ctx, next);
    expect(ctx.model?.name).toBe('gpt-x');
    expect(ctx.model?.deployments.map((d) => d.provider)).toEqual(['openai']);
    expect(next.calls).toBe(1);
  });

  it('an unknown model is a 404 GW_ERR_UNKNOWN_MODEL naming it, and nothing after runs', () => {
    const ctx = callContext();
    ctx.requestedModel = 'no-such-model';
    const next = nextGiving(bufferedAnswer({}));
    expect(() => resolveStage({ config: cfg }).run(ctx, next)).toThrow(expect.objectContaining({ status: 404, code: 'GW_ERR_UNKNOWN_MODEL', param: 'model' }));
    expect(next.calls).toBe(0);
  });

  it('routeFor joins a route and its fallbacks into one fallback route, and refuses unknown names', () => {
    const route = routeFor(['gpt-x', 'demo-1'], cfg.models)!;
    expect(route.name).toBe('gpt-x');
    expect(route.deployments.map((d) => d.upstreamModel)).toEqual(['gpt-upstream', 'demo-1']);
    expect(route.routing.strategy).toBe('fallback');
    expect(route.routing.fallback).toBe(true);
    expect(routeFor(['gpt-x'], cfg.models)).toBe(cfg.models.get('gpt-x'));
    expect(routeFor(['gpt-x', 'nope'], cfg.models)).toBeNull();
    expect(routeFor([], cfg.models)).toBeNull();
  });
});
