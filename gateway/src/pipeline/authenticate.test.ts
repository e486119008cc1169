import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../errors.js';
import { bufferedAnswer, callContext, nextGiving } from '../../test/helpers/stage-kit.js';
import { authenticateStage } from './authenticate.js';

const principal: Principal = { keyId: 'k1', tenant: 't', team: 'a', user: 'u', roles: ['user'] };
const answer = bufferedAnswer({ ok: true });

describe('authenticate stage', () => {
  it('sets the principal and hands on without a promise when the key is in memory', () => {
    const ctx = callContext();
    const next = nextGiving(answer);
    const result = authenticateStage({ authenticator: { authenticate: () => principal } }).run(ctx, next);
    expect(result).toBe(answer);
    expect(ctx.principal).toBe(principal);
    expect(next.calls).toBe(1);
  });

  it('waits for a key store lookup, then hands on', async () => {
    const ctx = callContext();
    const next = nextGiving(answer);
    const result = authenticateStage({ authenticator: { authenticate: () => Promise.resolve(principal) } }).run(ctx, next);
    expect(result).toBeInstanceOf(Promise);
    expect(next.calls).toBe(0);
    expect(await result).toBe(answer);
    expect(ctx.principal).toBe(principal);
  });

  it('a refused key ends the call before anything after it runs', () => {
    const next = nextGiving(answer);
    const stage = authenticateStage({
      authenticator: {
        authenticate: () => {
          throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'Invalid API key.');
        },
      },
    });
    expect(() => stage.run(callContext(), next)).toThrow(expect.objectContaining({ status: 401 }));
    expect(next.calls).toBe(0);
  });
});
