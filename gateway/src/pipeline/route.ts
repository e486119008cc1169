import { GatewayError } from '../errors.js';
import { upstreamErrorReply } from '../providers/error-replies.js';
import { UnsupportedTranslationError, UpstreamError, UpstreamHttpError, UpstreamTimeoutError } from '../providers/errors.js';
import type { ApiFormat } from '../contracts/api.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import type { Stage } from './stage.js';

/**
 * Upstream failures in the caller's terms: timeouts 504, 5xx and transport failures 502, the upstream's message
 * kept. An upstream HTTP error the caller can be given as the provider meant it (error-replies.ts) keeps its
 * status, body and headers; its gateway code is what the trace records.
 */
export function upstreamToGatewayError(error: UpstreamError, clientFormat?: ApiFormat): GatewayError {
  const ge = gatewayErrorFor(error);
  const reply = clientFormat && error instanceof UpstreamHttpError ? upstreamErrorReply(error, clientFormat) : undefined;
  if (!reply) return ge;
  return new GatewayError(ge.code, ge.message, { status: reply.status, headers: reply.headers, upstreamBody: reply.body, cause: error });
}

function gatewayErrorFor(error: UpstreamError): GatewayError {
  if (error instanceof UnsupportedTranslationError) {
    return new GatewayError('GW_ERR_UNSUPPORTED_TRANSLATION', error.message, { param: error.param, cause: error });
  }
  if (error instanceof UpstreamTimeoutError) return new GatewayError('GW_ERR_UPSTREAM_TIMEOUT', error.message, { cause: error });
  if (error instanceof UpstreamHttpError) {
    const s = error.status;
    const headers: Record<string, string> = error.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) } : {};
    if (s === 429) return new GatewayError('GW_ERR_RATE_LIMITED', `upstream rate limit: ${error.message}`, { cause: error, headers });
    if (s === 401 || s === 403) {
      return new GatewayError('GW_ERR_UPSTREAM', `upstream refused the gateway's credentials: ${error.message}`, { cause: error });
    }
    if (s >= 500) return new GatewayError('GW_ERR_UPSTREAM', `upstream error ${s}: ${error.message}`, { cause: error, headers });
    if (s === 404) return new GatewayError('GW_ERR_NOT_FOUND', error.message, { cause: error });
    if (s === 413) return new GatewayError('GW_ERR_BODY_TOO_LARGE', error.message, { cause: error });
    return new GatewayError('GW_ERR_INVALID_REQUEST', error.message, { status: s, cause: error });
  }
  if (error.kind === 'connect') return new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', error.message, { cause: error });
  return new GatewayError('GW_ERR_UPSTREAM', error.message, { cause: error });
}

/** Model calls' innermost stage: the router sends the call to the model's deployments and answers. */
export function routeStage(deps: Pick<StageDeps, 'router' | 'providers'>): Stage {
  return {
    id: 'route',
    run(ctx: CallContext) {
      const format = ctx.api as ApiFormat;
      return deps.router.send(ctx.model!, { format, body: ctx.body, stream: ctx.stream, signal: ctx.signal, clientHeaders: ctx.headers }, deps.providers.forDeployment).then(
        (routed) => {
          ctx.deployment = routed.deployment;
          ctx.attempts = routed.attempts;
          return routed.response;
        },
        (error: unknown) => {
          const attempts = (error as { attempts?: CallContext['attempts'] }).attempts;
          if (attempts) ctx.attempts = attempts;
          throw error instanceof UpstreamError ? upstreamToGatewayError(error, format) : error;
        },
      );
    },
  };
}
