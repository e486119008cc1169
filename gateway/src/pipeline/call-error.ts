/**
 * The one place a call's failure becomes the gateway error its caller gets and its trace records: a GatewayError
 * as thrown, an upstream failure in the caller's terms, an undici failure midway through a stream as the upstream
 * failure it is, anything else a 500 (the cause kept for the log).
 */
import { GatewayError, renderError, renderJsonRpcError, type ErrorCode } from '../errors.js';
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

/** MCP errors about the HTTP request itself, which keep their HTTP status; the rest answer a valid request. */
const MCP_HTTP_LEVEL = new Set<ErrorCode>([
  'GW_ERR_UNAUTHENTICATED', 'GW_ERR_FORBIDDEN', 'GW_ERR_NOT_FOUND', 'GW_ERR_MCP_SESSION_NOT_FOUND', 'GW_ERR_BODY_TOO_LARGE', 'GW_ERR_MALFORMED_JSON', 'GW_ERR_UNSUPPORTED_MEDIA_TYPE',
]);

/**
 * The status and body a failed call answers with, in its caller's shape. An MCP request that was a valid
 * JSON-RPC request is answered as MCP servers answer (HTTP 200): a refused tools/call with a tool result marked
 * `isError` whose text gives the reason (the agent's model reads it), anything else with a JSON-RPC error.
 */
export function errorReply(ctx: CallContext, ge: GatewayError): { status: number; body: unknown } {
  if (ctx.shape !== 'mcp') return { status: ge.status, body: renderError(ge, ctx.shape) };
  const m = ctx.mcp;
  const id = m?.id ?? null;
  const requestLevel = id !== null && !MCP_HTTP_LEVEL.has(ge.code) && !(ge.code === 'GW_ERR_INVALID_REQUEST' && !ge.param?.startsWith('params'));
  if (!requestLevel) return { status: ge.status, body: renderJsonRpcError(ge, id) };
  if (m!.method === 'tools/call' && (ge.code === 'GW_ERR_POLICY_DENIED' || ge.code === 'GW_ERR_APPROVAL_REQUIRED')) {
    return { status: 200, body: { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: ge.message }], isError: true, _meta: { 'airlock/code': ge.code, 'airlock/call_id': ctx.id } } } };
  }
  return { status: 200, body: renderJsonRpcError(ge, id) };
}
