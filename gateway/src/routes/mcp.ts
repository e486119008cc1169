/**
 * The MCP endpoints, over Streamable HTTP: /mcp/:server serves one server of the config, /mcp merges the servers
 * the caller's key or team may use under `server__` prefixes. POST carries one JSON-RPC message (or, on a
 * 2025-03-26 session, a batch: mcp-batch.ts), GET opens the session's stream of server messages, DELETE ends the
 * session. Every request runs the MCP pipeline
 * (pipeline/stages.ts); every error is a JSON-RPC error object.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newMcpCall } from '../mcp/call.js';
import { answerBatch } from './mcp-batch.js';
import { ingress, type CallInit, type RouteDeps } from './ingress.js';

function describe(request: FastifyRequest): CallInit {
  const server = (request.params as { server?: string }).server ?? null;
  return { api: 'mcp', shape: 'mcp', http: null, mcp: newMcpCall({ endpoint: server, httpMethod: request.method, url: request.url }) };
}

export async function registerMcpRoutes(app: FastifyInstance, options: RouteDeps): Promise<void> {
  const handler = ingress(options.mcp, describe, options.deps.store);
  const route = { config: { shape: 'mcp' as const }, bodyLimit: options.deps.config.mcp.maxMessageBytes };
  // A batch on a 2025-03-26 session is answered message by message (mcp-batch.ts); any other goes to the pipeline.
  const post = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (Array.isArray(request.body) && (await answerBatch(app, options, request, reply))) return;
    return handler(request, reply);
  };
  for (const url of ['/mcp', '/mcp/:server']) {
    app.post(url, route, post);
    app.get(url, route, handler);
    app.delete(url, route, handler);
  }
}
