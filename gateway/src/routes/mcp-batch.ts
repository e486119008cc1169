/**
 * JSON-RPC batches, which MCP has in protocol version 2025-03-26 only (2025-06-18 removed them): a POST whose body
 * is an array, on a session that negotiated 2025-03-26, is answered message by message. Each message is sent through
 * the MCP route again in-process, so that it is its own call — authenticated, decided by policy, redacted, recorded
 * — exactly as if it had come alone; the answers are merged into one SSE stream (responses and the notifications
 * that came with them), or 202 when the batch held no request. A batch on any other session goes to the MCP
 * pipeline as one message, which refuses it naming the session's version.
 */
import { isInitializeRequest, isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, renderJsonRpcError } from '../errors.js';
import type { RouteDeps } from './ingress.js';

export const BATCH_VERSION = '2025-03-26';
/** The most messages one batch may hold (the SDK transport's own limit). */
const MAX_BATCH = 100;

const DROPPED = new Set(['content-length', 'transfer-encoding', 'connection', 'host']);

/** The JSON-RPC messages of one part's answer: SSE `data:` lines, or a JSON body. */
function messagesOf(contentType: string, body: string): string[] {
  if (!body) return [];
  if (contentType.includes('text/event-stream')) {
    const out: string[] = [];
    for (const event of body.split(/\r?\n\r?\n/)) {
      const data = event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (data) out.push(data);
    }
    return out;
  }
  return [body];
}

/** True when the batch is handled here; false sends it on to the pipeline (which refuses it). */
export async function answerBatch(app: FastifyInstance, options: RouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const batch = request.body as unknown[];
  const sessionId = request.headers['mcp-session-id'];
  if (typeof sessionId !== 'string') return false;
  const principal = await options.deps.authenticator.authenticate(request.headers);
  const session = options.deps.mcp.sessions.get(sessionId, principal.keyId);
  if (session?.protocolVersion !== BATCH_VERSION) return false;
  if (batch.length === 0 || batch.length > MAX_BATCH) {
    const why = batch.length ? `a batch holds at most ${MAX_BATCH} messages` : 'an empty batch';
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid Request: ${why}.`);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined && !DROPPED.has(name)) headers[name] = value;
  const parts = await Promise.all(
    batch.map(async (message) => {
      if (message && typeof message === 'object' && isInitializeRequest(message as JSONRPCMessage)) {
        const id = isJSONRPCRequest(message as JSONRPCMessage) ? (message as { id: string | number }).id : null;
        const ge = new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid Request: initialize must not be part of a JSON-RPC batch.');
        return { status: 400, messages: [JSON.stringify(renderJsonRpcError(ge, id))] };
      }
      const res = await app.inject({ method: 'POST', url: request.url, headers, payload: JSON.stringify(message) });
      return { status: res.statusCode, messages: messagesOf(String(res.headers['content-type'] ?? ''), res.body) };
    }),
  );
  const messages = parts.flatMap((p) => p.messages);
  if (!messages.length) {
    void reply.code(202).send();
    return true;
  }
  void reply
    .code(200)
    .headers({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': session.id })
    .send(messages.map((m) => `event: message\ndata: ${m}\n\n`).join(''));
  return true;
}
