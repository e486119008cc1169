import { describe, expect, it } from 'vitest';
import { bufferedAnswer, callContext, config, nextGiving } from '../../test/helpers/stage-kit.js';
import { targetStage } from './target.js';

const cfg = config({ systems: { crm: { base_url: 'http://crm.internal/base', methods: ['GET'] } } });
const apiCall = (system: string, method: string) => callContext({ api: 'http', http: { system, method, path: '/contacts?x=1' }, headers: { 'x-airlock-run': 'r9' } });

describe('target stage', () => {
  it('resolves the system and keeps the path and query', () => {
    const ctx = apiCall('crm', 'GET');
    const next = nextGiving(bufferedAnswer({}));
    targetStage({ config: cfg }).run(ctx, next);
    expect(ctx.target).toMatchObject({ method: 'GET', path: '/contacts?x=1', system: { name: 'crm', baseUrl: 'http://crm.internal/base' } });
    expect(ctx.workflow?.run).toBe('r9');
    expect(next.calls).toBe(1);
  });

  it('an unknown system is 404 and a method the system does not take 405, before anything is forwarded', () => {
    const next = nextGiving(bufferedAnswer({}));
    expect(() => targetStage({ config: cfg }).run(apiCall('erp', 'GET'), next)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => targetStage({ config: cfg }).run(apiCall('crm', 'DELETE'), next)).toThrow(expect.objectContaining({ status: 405 }));
    expect(next.calls).toBe(0);
  });
});
