/**
 * A client's MCP session with the gateway: the official SDK's server and its Streamable HTTP transport (so that
 * version negotiation, session ids, SSE streams and JSON-RPC framing are the SDK's own), the upstream sessions it
 * opened, and what the gateway keeps per session: the tools last listed (for pinning and policy on calls), and the
 * vault of placeholders the session's redacted results were given (so an agent can pass them back as arguments).
 *
 * A session belongs to the key that opened it: another key presenting its id is told the session does not exist.
 */
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCRequest, Notification, RequestId, Result, ServerCapabilities, ServerNotification, ServerRequest, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { Vault } from '../redaction/index.js';
import type { McpUpstreams, ServerInfo, UpstreamHandle } from './upstream.js';

/** What a session serves: one server (/mcp/:server) or several merged under prefixed names (/mcp). */
export type Endpoint = { readonly kind: 'server'; readonly server: string } | { readonly kind: 'aggregate'; readonly servers: readonly string[] };

export type RequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Answers every request the SDK server does not answer itself (it answers initialize and ping). */
export type SessionHandler = (session: McpSession, request: JSONRPCRequest, extra: RequestExtra) => Promise<Result>;

export const PREFIX_SEPARATOR = '__';

/** The union of what the servers offer: a merged session offers a feature when one of its servers does. */
function mergeCapabilities(infos: readonly ServerInfo[]): ServerCapabilities {
  const out: ServerCapabilities = {};
  for (const { capabilities: c } of infos) {
    if (c.tools) out.tools = { listChanged: true };
    if (c.prompts) out.prompts = { listChanged: true };
    if (c.resources) out.resources = { listChanged: true, subscribe: Boolean(out.resources?.subscribe || c.resources.subscribe) };
    if (c.logging) out.logging = {};
    if (c.completions) out.completions = {};
  }
  // The gateway always answers tools/list, even with nothing to show, so that a client can ask.
  out.tools ??= { listChanged: true };
  return out;
}

export class McpSession {
  readonly id: string = randomUUID();
  readonly vault = new Vault();
  /** Tools per server as the server last listed them (unfiltered): what calls are checked against. */
  readonly tools = new Map<string, readonly Tool[]>();
  /** The call context of each request in flight, by JSON-RPC id, for the handler that answers it. */
  readonly pending = new Map<RequestId, unknown>();
  /** Requests in flight to each server, so that what a server sends while one runs goes out on that request's stream. */
  readonly inFlight = new Map<string, Set<RequestExtra>>();
  /** Resource URIs of a merged session, to the server that listed them. */
  readonly resourceOwners = new Map<string, string>();
  lastUsed = Date.now();
  /** The protocol version negotiated on initialize (what the session's messages may be: batches only in 2025-03-26). */
  protocolVersion: string = LATEST_PROTOCOL_VERSION;
  server!: Server;
  transport!: WebStandardStreamableHTTPServerTransport;

  private constructor(
    readonly keyId: string,
    readonly tenant: string,
    readonly endpoint: Endpoint,
    readonly upstreams: ReadonlyMap<string, UpstreamHandle>,
  ) {}

  get serverNames(): readonly string[] {
    return this.endpoint.kind === 'server' ? [this.endpoint.server] : this.endpoint.servers;
  }

  /** Connects to the servers (a merged session skips those that fail: their tools are missing until they answer). */
  static async open(init: { keyId: string; tenant: string; endpoint: Endpoint; upstreams: McpUpstreams; handler: SessionHandler; onClosed: (s: McpSession) => void }): Promise<McpSession> {
    const names = init.endpoint.kind === 'server' ? [init.endpoint.server] : init.endpoint.servers;
    const handles = new Map<string, UpstreamHandle>();
    // Notifications are passed on once the session exists; before, nothing could have subscribed to them.
    let session: McpSession | null = null;
    for (const name of names) handles.set(name, init.upstreams.open(name, (server, n) => session?.notifyFrom(server, n)));
    const settled = await Promise.allSettled([...handles.values()].map((h) => h.info()));
    const infos = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const first = settled[0]!;
    if (init.endpoint.kind === 'server' && first.status === 'rejected') {
      await Promise.all([...handles.values()].map((h) => h.close()));
      throw first.reason;
    }
    const s = (session = new McpSession(init.keyId, init.tenant, init.endpoint, handles));
    const single = init.endpoint.kind === 'server' ? infos[0] : undefined;
    s.server = new Server(
      { name: init.endpoint.kind === 'server' ? `airlock/${init.endpoint.server}` : 'airlock', version: single?.version?.version ?? '0.1.0' },
      { capabilities: single ? { ...single.capabilities, tools: single.capabilities.tools ?? { listChanged: true } } : mergeCapabilities(infos), ...(single?.instructions ? { instructions: single.instructions } : {}) },
    );
    s.server.fallbackRequestHandler = (request, extra) => init.handler(s, request, extra as RequestExtra);
    s.transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => s.id, onsessionclosed: () => void s.close() });
    s.transport.onclose = () => init.onClosed(s);
    await s.server.connect(s.transport);
    return s;
  }

  negotiate(asked: string): void {
    this.protocolVersion = SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION;
  }

  /** Marks a request to `server` in flight until `done` settles. */
  async during<T>(server: string, extra: RequestExtra, done: Promise<T>): Promise<T> {
    let set = this.inFlight.get(server);
    if (!set) this.inFlight.set(server, (set = new Set()));
    set.add(extra);
    try {
      return await done;
    } finally {
      set.delete(extra);
    }
  }

  /**
   * Passes a server's notification on to the client; list changes also drop the tools last listed. The SDK's
   * client does not say which request a server's message came with, so while exactly one request to that server
   * is in flight it goes out on that request's stream (before its result, in order); otherwise on the session's.
   */
  notifyFrom(server: string, n: Notification): void {
    if (n.method === 'notifications/tools/list_changed') this.tools.delete(server);
    // Progress and cancellation belong to requests, which the SDK routes itself.
    if (n.method === 'notifications/progress' || n.method === 'notifications/cancelled') return;
    const running = this.inFlight.get(server);
    const only = running?.size === 1 && !n.method.endsWith('/list_changed') ? [...running][0]! : null;
    (only ? only.sendNotification(n as ServerNotification) : this.server.notification(n as ServerNotification)).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.upstreams.values()].map((h) => h.close()));
    await this.transport.close().catch(() => undefined);
  }
}

/** Every live session, closed after `idleMs` without a request. */
export class McpSessions {
  readonly #byId = new Map<string, McpSession>();
  readonly #sweep: NodeJS.Timeout;

  constructor(private readonly idleMs: number) {
    this.#sweep = setInterval(() => this.#expire(), Math.min(idleMs, 60_000));
    this.#sweep.unref();
  }

  add(session: McpSession): void {
    this.#byId.set(session.id, session);
  }

  remove(session: McpSession): void {
    if (this.#byId.get(session.id) === session) this.#byId.delete(session.id);
  }

  /** The session, if it exists and belongs to this key. */
  get(id: string, keyId: string): McpSession | undefined {
    const s = this.#byId.get(id);
    if (!s || s.keyId !== keyId) return undefined;
    s.lastUsed = Date.now();
    return s;
  }

  get size(): number {
    return this.#byId.size;
  }

  #expire(): void {
    const now = Date.now();
    for (const s of this.#byId.values()) {
      if (now - s.lastUsed > this.idleMs && s.pending.size === 0) {
        this.#byId.delete(s.id);
        void s.close();
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    const all = [...this.#byId.values()];
    this.#byId.clear();
    await Promise.all(all.map((s) => s.close()));
  }
}
