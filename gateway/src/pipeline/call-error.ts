/**
 * The one place a call's failure becomes the gateway error its caller gets and its trace records: a GatewayError
 * as thrown, an upstream failure in the caller's terms, an undici failure midway through a stream as the upstream
 * failure it is, anything else a 500 (the cause kept for the log).
 */
import { GatewayError } from '../errors.js';
import { UpstreamError } from '../providers/errors.js';
import { mapTransportError } from '../providers/http/client.js';
import type { CallContext } from './call-context.js';
import { upstreamToGatewayError } from './route.js';

/** undici and socket failures surfacing while a body streams. */
function isTransportError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || code.startsWith('ECONN') || code === 'EPIPE');
}

export function toGatewayError(ctx: CallContext, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof UpstreamError) return upstreamToGatewayError(error);
  if (isTransportError(error) && ctx.deployment) return upstreamToGatewayError(mapTransportError(error, ctx.deployment.timeouts) as UpstreamError);
  return new GatewayError('GW_ERR_INTERNAL', 'Internal gateway error.', { cause: error });
}

/** Maps the failure and writes it on the call (the first failure stands: a later one is its consequence). */
export function failCall(ctx: CallContext, error: unknown): GatewayError {
  const ge = toGatewayError(ctx, error);
  ctx.error ??= { code: ge.code, message: ge.message, status: ge.status };
  return ge;
}
