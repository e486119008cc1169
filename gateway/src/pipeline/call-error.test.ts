import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { UpstreamHttpError, UpstreamTimeoutError } from '../providers/errors.js';
import { callContext, config } from '../../test/helpers/stage-kit.js';
import { failCall, toGatewayError } from './call-error.js';

describe('call errors', () => {
  it('keeps gateway errors, maps upstream ones, and hides anything else behind a 500', () => {
    const ctx = callContext();
    const ge = new GatewayError('GW_ERR_UNKNOWN_MODEL', 'nope');
    expect(toGatewayError(ctx, ge)).toBe(ge);
    expect(toGatewayError(ctx, new UpstreamTimeoutError('idle', 5)).code).toBe('GW_ERR_UPSTREAM_TIMEOUT');
    expect(toGatewayError(ctx, new UpstreamHttpError({ status: 500, message: 'x' })).status).toBe(502);
    const internal = toGatewayError(ctx, new TypeError('cannot read x of undefined'));
    expect(internal).toMatchObject({ code: 'GW_ERR_INTERNAL', status: 500, message: 'Internal gateway error.' });
  });

  it('an undici failure midway through a stream is the upstream failure it is, in the deployment\'s terms', () => {
    const ctx = callContext();
    ctx.deployment = config().models.get('gpt-x')!.deployments[0]!;
    const ge = toGatewayError(ctx, Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    expect(ge.code).toBe('GW_ERR_UPSTREAM_UNAVAILABLE');
  });

  it('writes the first failure on the call; a later one is its consequence', () => {
    const ctx = callContext();
    failCall(ctx, new GatewayError('GW_ERR_UPSTREAM_TIMEOUT', 'first'));
    failCall(ctx, new Error('then the socket went'));
    expect(ctx.error).toEqual({ code: 'GW_ERR_UPSTREAM_TIMEOUT', message: 'first', status: 504 });
  });
});
