/**
 * MCP requests' innermost stage: hands the message to the session's SDK transport (making the session on
 * initialize) and answers with what it gives: a JSON-RPC response, an SSE stream carrying the request's progress
 * and log notifications and then its response, the server's own stream for GET, or 202 for a notification.
 *
 * The SDK server answers initialize and ping itself and gives every other request to `handle` below, which answers
 * it for the session's servers: lists filtered (mcp-lists.ts), tool calls with the (redacted) arguments the stages
 * before prepared and the result filtered by the redact stage, anything else passed on to the server it names.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CallToolResultSchema, ErrorCode, McpError, ResultSchema, isInitializeRequest, type JSONRPCRequest, type Result } from '@modelcontextprotocol/sdk/types.js';
import type { ZodType } from 'zod/v4';
import { GatewayError } from '../errors.js';
import { McpSession, type RequestExtra, type SessionHandler } from '../mcp/session.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import { heldToolCall } from './mcp-hold.js';
import { filteredList } from './mcp-lists.js';
import { endpointFor } from './mcp-message.js';
import type { PolicyDeps } from './policy.js';
import type { Answer, Stage } from './stage.js';

type Deps = PolicyDeps & Pick<StageDeps, 'mcp'>;

/** Request headers the SDK transport reads; the caller's credentials stay with the gateway. */
const DROPPED = new Set(['authorization', 'x-api-key', 'cookie', 'content-length', 'host', 'connection', 'transfer-encoding']);

const NO_OUTCOME: Promise<null> = Promise.resolve(null);

/** An upstream's JSON-RPC error passed on with its own code and message (not wrapped in a second "MCP error"). */
function passOn(error: unknown): Error {
  if (error instanceof McpError) return Object.assign(new Error(error.message.replace(/^MCP error -?\d+: /, '')), { code: error.code, data: error.data });
  return Object.assign(new Error((error as Error).message), { code: ErrorCode.InternalError });
}

/** Sends one request to a server, timed for the trace; progress goes on to the client under its own token. */
async function forward<T>(ctx: CallContext, session: McpSession, server: string, request: { method: string; params?: Record<string, unknown> }, schema: ZodType<T>, extra: RequestExtra): Promise<T> {
  const handle = session.upstreams.get(server)!;
  const token = (request.params?._meta as Record<string, unknown> | undefined)?.progressToken;
  const m = ctx.mcp!;
  const started = performance.now();
  m.upstream = { startedAtMs: Date.now(), durationMs: 0, error: null };
  try {
    return await session.during(server, extra, handle.use((c) =>
      c.request(request as never, schema as never, {
        signal: extra.signal,
        timeout: handle.server.timeoutMs,
        ...(token !== undefined
          ? { resetTimeoutOnProgress: true, onprogress: (p) => void extra.sendNotification({ method: 'notifications/progress', params: { ...p, progressToken: token as string | number } }).catch(() => undefined) }
          : {}),
      }),
    )) as T;
  } catch (error) {
    m.upstream.error = (error as Error).message;
    ctx.error ??= { code: 'GW_ERR_UPSTREAM', message: (error as Error).message.slice(0, 500), status: 502 };
    throw passOn(error);
  } finally {
    m.upstream.durationMs = performance.now() - started;
  }
}

const stripProgress = (params: Record<string, unknown> | undefined): Record<string, unknown> => {
  const { _meta, ...rest } = params ?? {};
  const { progressToken: _token, ...meta } = (_meta ?? {}) as Record<string, unknown>;
  return Object.keys(meta).length ? { ...rest, _meta: meta } : rest;
};

async function callTool(ctx: CallContext, deps: Deps, session: McpSession, request: JSONRPCRequest, extra: RequestExtra): Promise<Result> {
  const m = ctx.mcp!;
  if (m.hold && deps.approvals) return heldToolCall(ctx, { ...deps, approvals: deps.approvals }, m.hold, request, extra, () => runTool(ctx, deps, session, request, extra));
  return runTool(ctx, deps, session, request, extra);
}

async function runTool(ctx: CallContext, deps: Deps, session: McpSession, request: JSONRPCRequest, extra: RequestExtra): Promise<Result> {
  const m = ctx.mcp!;
  const meta = request.params?._meta;
  const params = { ...stripProgress(request.params), name: m.toolName, arguments: ctx.body };
  const result = (await forward(ctx, session, m.server!.name, { method: 'tools/call', params: { ...params, ...(meta ? { _meta: meta } : {}) } }, CallToolResultSchema, extra)) as Record<string, unknown>;
  if (result.isError === true) ctx.labels['mcp.tool.is_error'] = 'true';
  const out = m.resultFilter ? m.resultFilter(result) : result;
  if (JSON.stringify(out).length > deps.config.mcp.maxMessageBytes) {
    ctx.error = { code: 'GW_ERR_UPSTREAM', message: 'tool result larger than mcp.max_message_bytes', status: 502 };
    throw new McpError(ErrorCode.InternalError, `The tool's result is larger than the gateway passes on (${deps.config.mcp.maxMessageBytes} bytes).`);
  }
  return out as Result;
}

/** Answers what the SDK server gives the gateway, for the call whose context the dispatch stage registered. */
function handler(deps: Deps): SessionHandler {
  return async (session, request, extra) => {
    const ctx = session.pending.get(request.id) as CallContext | undefined;
    if (!ctx) throw new McpError(ErrorCode.InternalError, 'request arrived outside a gateway call');
    const m = ctx.mcp!;
    switch (request.method) {
      case 'tools/list':
      case 'resources/list':
      case 'resources/templates/list':
      case 'prompts/list':
        try {
          return await filteredList(ctx, deps, session, request.method, extra);
        } catch (error) {
          ctx.error ??= { code: 'GW_ERR_UPSTREAM', message: (error as Error).message.slice(0, 500), status: 502 };
          throw passOn(error);
        }
      case 'tools/call':
        return callTool(ctx, deps, session, request, extra);
      case 'prompts/get':
        return forward(ctx, session, m.server!.name, { method: request.method, params: { ...request.params, name: m.promptName } }, ResultSchema, extra);
      case 'logging/setLevel': {
        // A merged session sets the level on every server that logs.
        for (const name of session.serverNames) {
          const info = await session.upstreams.get(name)!.info().catch(() => null);
          if (info?.capabilities.logging) await forward(ctx, session, name, { method: request.method, params: request.params }, ResultSchema, extra);
        }
        return {};
      }
      default:
        if (!m.server) throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method} (the merged endpoint serves tools, resources, prompts and logging).`);
        return forward(ctx, session, m.server.name, { method: request.method, ...(request.params ? { params: request.params } : {}) }, ResultSchema, extra);
    }
  };
}

function toAnswer(response: Response): Answer {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'connection') headers[name] = value;
  });
  if (!response.body) return { status: response.status, headers, body: Buffer.alloc(0), outcome: NO_OUTCOME };
  const stream = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  stream.on('error', () => undefined);
  return { status: response.status, headers, stream, outcome: NO_OUTCOME };
}

export function mcpDispatchStage(deps: Deps): Stage {
  const handle = handler(deps);
  return {
    id: 'dispatch',
    async run(ctx: CallContext) {
      const m = ctx.mcp!;
      const p = ctx.principal!;
      if (m.message && isInitializeRequest(m.message)) {
        try {
          m.session = await McpSession.open({ keyId: p.keyId, tenant: p.tenant, endpoint: endpointFor(ctx, deps), upstreams: deps.mcp.upstreams, handler: handle, onClosed: (s) => deps.mcp.sessions.remove(s) });
        } catch (error) {
          throw new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', (error as Error).message.replace(/^MCP error -?\d+: /, ''), { cause: error });
        }
        deps.mcp.sessions.add(m.session);
        // As the SDK server answers it: the client's version when supported, else the latest.
        const asked = (m.message.params as { protocolVersion?: unknown }).protocolVersion;
        m.session.negotiate(typeof asked === 'string' ? asked : '');
      }
      const session = m.session!;
      ctx.labels['mcp.session'] = session.id;
      if (m.id !== null) {
        const id = m.id;
        session.pending.set(id, ctx);
        ctx.onEnd.push(() => session.pending.delete(id));
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(ctx.headers)) {
        if (value === undefined || DROPPED.has(name)) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const request = new Request(`http://airlock.internal${m.url}`, { method: m.httpMethod, headers });
      const response = await session.transport.handleRequest(request, m.httpMethod === 'POST' ? { parsedBody: m.message } : {});
      if (m.httpMethod === 'DELETE' && response.ok) deps.mcp.sessions.remove(session);
      return toAnswer(response);
    },
  };
}
