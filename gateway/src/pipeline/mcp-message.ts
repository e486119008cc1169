/**
 * MCP requests: reads the JSON-RPC message and what it goes to, before anything is scanned or decided. The message
 * must be one valid JSON-RPC message (400 otherwise); the server must exist and, for /mcp, be one the caller's
 * key or team may merge (404); a session id must name a live session of this key (404, so the client initializes
 * again). The workflow comes from the headers, or from `params._meta.traceparent` when the client sends it there.
 *
 * For tools/call it finds the tool's definition (as the server last listed it), checks it against the approved
 * pin, and puts back in the arguments the originals of placeholders the session's redacted results gave the agent.
 */
import { JSONRPCMessageSchema, isInitializeRequest, isJSONRPCRequest, type JSONRPCMessage, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerTarget } from '../config/load.js';
import { ADMIN_ROLE } from '../auth/access.js';
import { GatewayError } from '../errors.js';
import type { McpCall } from '../mcp/call.js';
import { PREFIX_SEPARATOR, type Endpoint, type McpSession } from '../mcp/session.js';
import { restoreBody } from '../redaction/index.js';
import type { CallContext } from './call-context.js';
import { parseTraceparent, readWorkflow } from './context.js';
import type { StageDeps } from './deps.js';
import { listAllTools } from './mcp-lists.js';
import type { Next, Stage } from './stage.js';

type Deps = Pick<StageDeps, 'config' | 'mcp' | 'store'> & { readonly approvals?: StageDeps['approvals'] };

const SESSION_HEADER = 'mcp-session-id';
/** How long a call held for a changed tool definition waits for an admin. */
const PIN_HOLD_EXPIRY_S = 3600;

/** What the caller's /mcp merges: its key's servers, else its team's, else the default list. */
export function endpointFor(ctx: CallContext, deps: Deps): Endpoint {
  const m = ctx.mcp!;
  const servers = deps.config.mcp.servers;
  if (m.endpoint !== null) {
    if (!servers.has(m.endpoint)) throw new GatewayError('GW_ERR_NOT_FOUND', `Unknown MCP server \`${m.endpoint}\`.`);
    return { kind: 'server', server: m.endpoint };
  }
  const p = ctx.principal!;
  const a = deps.config.mcp.aggregate;
  const list = a.keys.get(p.keyId) ?? a.teams.get(p.team) ?? a.default;
  if (!list.length) throw new GatewayError('GW_ERR_NOT_FOUND', 'No MCP servers are configured for this key.');
  return { kind: 'aggregate', servers: list };
}

/** Batches are part of protocol version 2025-03-26 only (routes/mcp-batch.ts); later versions removed them. */
function parseMessage(raw: unknown, ctx: CallContext, deps: Deps): JSONRPCMessage {
  if (Array.isArray(raw)) {
    const id = ctx.headers[SESSION_HEADER];
    const version = typeof id === 'string' ? deps.mcp.sessions.get(id, ctx.principal!.keyId)?.protocolVersion : undefined;
    const why = version ? `protocol version ${version}, negotiated for this session, has no JSON-RPC batches` : 'JSON-RPC batches need a session of protocol version 2025-03-26';
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid Request: ${why}; send one message per request.`);
  }
  const parsed = JSONRPCMessageSchema.safeParse(raw);
  if (!parsed.success) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid Request: the body is not a JSON-RPC 2.0 request, notification or response.');
  return parsed.data;
}

function sessionFor(ctx: CallContext, deps: Deps): McpSession {
  const id = ctx.headers[SESSION_HEADER];
  if (typeof id !== 'string' || !id) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Bad Request: an \`${SESSION_HEADER}\` header is required (initialize first).`, { param: SESSION_HEADER });
  const session = deps.mcp.sessions.get(id, ctx.principal!.keyId);
  const m = ctx.mcp!;
  // Another key's session, or the other endpoint's, does not exist for this caller.
  const same = session && (m.endpoint === null ? session.endpoint.kind === 'aggregate' : session.endpoint.kind === 'server' && session.endpoint.server === m.endpoint);
  if (!session || !same) throw new GatewayError('GW_ERR_MCP_SESSION_NOT_FOUND', 'Session not found: initialize a new session.');
  return session;
}

/** A name as the client sees it → the server and the name there (merged endpoints prefix names with `server__`). */
export function unprefix(session: McpSession, name: string, deps: Deps): { server: McpServerTarget; name: string } | null {
  if (session.endpoint.kind === 'server') return { server: deps.config.mcp.servers.get(session.endpoint.server)!, name };
  const at = name.indexOf(PREFIX_SEPARATOR);
  if (at <= 0) return null;
  const server = name.slice(0, at);
  if (!session.endpoint.servers.includes(server)) return null;
  return { server: deps.config.mcp.servers.get(server)!, name: name.slice(at + PREFIX_SEPARATOR.length) };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Audits a tool definition that differs from the approved one, once per definition. */
function auditChange(ctx: CallContext, deps: Deps, server: string, tool: Tool): void {
  const key = `${ctx.principal!.tenant}\u0000${server}\u0000${tool.name}`;
  const diff = deps.mcp.pins.diff(ctx.principal!.tenant, server, [tool]).find((d) => d.tool === tool.name)!;
  const seen = `${key}\u0000${diff.sha256}`;
  if (deps.mcp.changesSeen.has(seen)) return;
  deps.mcp.changesSeen.add(seen);
  deps.store?.audit.append({ tenant: ctx.principal!.tenant, actor: 'gateway', action: 'mcp.tool.changed', subject: `${server}/${tool.name}`, details: { ...diff } });
}

/** tools/call: the tool, its definition and pin, and the arguments with the session's placeholders put back. */
async function readToolCall(ctx: CallContext, deps: Deps, m: McpCall, params: Record<string, unknown>): Promise<void> {
  const session = m.session!;
  if (typeof params.name !== 'string' || !params.name) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid params: `name` must be the tool\'s name.', { param: 'params.name' });
  if (params.arguments !== undefined && !isObject(params.arguments)) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid params: `arguments` must be an object.', { param: 'params.arguments' });
  const target = unprefix(session, params.name, deps);
  if (!target) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid params: unknown tool \`${params.name}\`.`, { param: 'params.name' });
  m.server = target.server;
  m.toolName = target.name;
  const tools = session.tools.get(target.server.name) ?? (await listAllTools(session, target.server.name));
  m.tool = tools.find((t) => t.name === target.name) ?? null;
  if (!m.tool) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid params: unknown tool \`${params.name}\`.`, { param: 'params.name' });
  const tenant = ctx.principal!.tenant;
  m.pin = deps.mcp.pins.status(tenant, target.server.name, m.tool);
  ctx.labels['mcp.tool.pin'] = m.pin;
  const pinning = deps.config.mcp.pinning;
  if (m.pin === 'unapproved' && pinning.unapproved === 'hide') {
    throw new GatewayError('GW_ERR_POLICY_DENIED', `MCP server \`${target.server.name}\` has not been approved by an admin yet.`);
  }
  if (m.pin === 'changed' || m.pin === 'new') {
    auditChange(ctx, deps, target.server.name, m.tool);
    const what = m.pin === 'new' ? 'is new since the server was approved' : 'changed since an admin approved it';
    if (pinning.changed === 'hide') throw new GatewayError('GW_ERR_POLICY_DENIED', `The definition of tool \`${params.name}\` ${what}; an admin must approve it again.`);
    const reason = `the definition of tool \`${params.name}\` ${what}`;
    if (!deps.approvals) throw new GatewayError('GW_ERR_APPROVAL_REQUIRED', `This call requires approval: ${reason}.`);
    // Each call waits for an admin until the new definition is approved (a policy's own hold replaces this one).
    m.hold = { reason, approver_role: ADMIN_ROLE, quorum: 1, expires_in_s: PIN_HOLD_EXPIRY_S, editable: false };
  }
  ctx.body = restoreBody(params.arguments ?? {}, session.vault) as Record<string, unknown>;
}

async function readRequest(ctx: CallContext, deps: Deps, m: McpCall, params: Record<string, unknown>): Promise<void> {
  const session = m.session!;
  if (session.endpoint.kind === 'server') m.server = deps.config.mcp.servers.get(session.endpoint.server)!;
  switch (m.method) {
    case 'tools/call':
      return readToolCall(ctx, deps, m, params);
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe': {
      if (typeof params.uri !== 'string') throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid params: `uri` must be a string.', { param: 'params.uri' });
      m.resourceUri = params.uri;
      if (session.endpoint.kind === 'aggregate') {
        const owner = session.resourceOwners.get(params.uri);
        if (!owner) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid params: unknown resource \`${params.uri}\` (list resources first).`, { param: 'params.uri' });
        m.server = deps.config.mcp.servers.get(owner)!;
      }
      return;
    }
    case 'prompts/get': {
      if (typeof params.name !== 'string') throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid params: `name` must be a string.', { param: 'params.name' });
      const target = unprefix(session, params.name, deps);
      if (!target) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid params: unknown prompt \`${params.name}\`.`, { param: 'params.name' });
      m.server = target.server;
      m.promptName = target.name;
      return;
    }
  }
}

export function mcpMessageStage(deps: Deps): Stage {
  return {
    id: 'message',
    async run(ctx: CallContext, next: Next) {
      const m = ctx.mcp!;
      ctx.workflow = readWorkflow(ctx.headers);
      const endpoint = endpointFor(ctx, deps);
      if (endpoint.kind === 'server') m.server = deps.config.mcp.servers.get(endpoint.server)!;
      if (m.httpMethod !== 'POST') {
        m.session = sessionFor(ctx, deps);
        return next();
      }
      const message = (m.message = parseMessage(ctx.rawBody, ctx, deps));
      if (isJSONRPCRequest(message)) {
        m.id = message.id;
        m.method = message.method;
      } else if ('method' in message) m.method = message.method;
      const params = 'params' in message && isObject(message.params) ? message.params : {};
      const meta = isObject(params._meta) ? params._meta : {};
      const trace = typeof meta.traceparent === 'string' ? parseTraceparent(meta.traceparent) : null;
      if (trace) ctx.workflow = { ...ctx.workflow, ...trace };
      if (isInitializeRequest(message)) return next();
      m.session = sessionFor(ctx, deps);
      if (m.id !== null && m.session.pending.has(m.id)) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid Request: a request with id ${JSON.stringify(m.id)} is already in progress.`);
      if (m.id !== null) await readRequest(ctx, deps, m, params);
      return next();
    },
  };
}
