/**
 * The gateway's side as an MCP client of the servers in the config. A remote server (Streamable HTTP) gets one
 * upstream session per client session, so that what it sends outside a request (log messages, resource updates)
 * reaches only the session it belongs to. A local server (stdio) is one process the gateway starts and keeps
 * running: its calls are shared by every session, so only what is tied to a request (its progress, its result) and
 * list changes are passed on; its other notifications go to the gateway log.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ErrorCode,
  ListPromptsResultSchema,
  ListResourceTemplatesResultSchema,
  ListResourcesResultSchema,
  ListToolsResultSchema,
  McpError,
  type Implementation,
  type Notification,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpServerTarget } from '../config/load.js';

const CLIENT_INFO: Implementation = { name: 'airlock-gateway', version: '0.1.0' };

/** What a client session learns of a server when it connects. */
export interface ServerInfo {
  readonly capabilities: ServerCapabilities;
  readonly instructions: string | undefined;
  readonly version: Implementation | undefined;
}

/** One client session's way to a server. */
export interface UpstreamHandle {
  readonly server: McpServerTarget;
  /** Connects when needed; fails with an McpError when the server cannot be reached. */
  info(): Promise<ServerInfo>;
  /** Runs `use` on a connected client; a remote session the server forgot is opened again and `use` retried once. */
  use<T>(use: (client: Client) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type NotificationSink = (server: string, notification: Notification) => void;

const unreachable = (server: string, error: unknown): McpError =>
  error instanceof McpError ? error : new McpError(ErrorCode.ConnectionClosed, `MCP server \`${server}\` is unreachable: ${(error as Error).message}`);

/** The server answered 404 for our session id: it restarted or expired the session (a new one must be opened). */
const sessionLost = (error: unknown): boolean => error instanceof StreamableHTTPError && error.code === 404;

async function connect(server: McpServerTarget & { transport: 'http' }, sink: NotificationSink): Promise<{ client: Client; info: ServerInfo }> {
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  client.fallbackNotificationHandler = async (n) => sink(server.name, n);
  const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { ...server.headers } } });
  await client.connect(transport, { timeout: server.timeoutMs });
  return { client, info: { capabilities: client.getServerCapabilities() ?? {}, instructions: client.getInstructions(), version: client.getServerVersion() } };
}

/** A remote server, one upstream session per client session, opened on first use. */
class HttpUpstream implements UpstreamHandle {
  #connected: Promise<{ client: Client; info: ServerInfo }> | null = null;
  #closed = false;

  constructor(readonly server: McpServerTarget & { transport: 'http' }, private readonly sink: NotificationSink) {}

  #connection(): Promise<{ client: Client; info: ServerInfo }> {
    if (this.#closed) return Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'session closed'));
    if (!this.#connected) {
      const attempt = connect(this.server, this.sink).catch((error: unknown) => {
        if (this.#connected === attempt) this.#connected = null;
        throw unreachable(this.server.name, error);
      });
      this.#connected = attempt;
    }
    return this.#connected;
  }

  async info(): Promise<ServerInfo> {
    return (await this.#connection()).info;
  }

  async use<T>(use: (client: Client) => Promise<T>): Promise<T> {
    const { client } = await this.#connection();
    try {
      return await use(client);
    } catch (error) {
      // A 404 means the server never processed the message, so sending it again on a new session is safe.
      if (!sessionLost(error)) throw error instanceof StreamableHTTPError ? unreachable(this.server.name, error) : error;
      if (this.#connected) void this.#connected.then((c) => c.client.close()).catch(() => undefined);
      this.#connected = null;
      return use((await this.#connection()).client);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const connected = this.#connected;
    this.#connected = null;
    if (connected) await connected.then((c) => (c.client.transport as StreamableHTTPClientTransport).terminateSession()).catch(() => undefined);
    if (connected) await connected.then((c) => c.client.close()).catch(() => undefined);
  }
}

/** Restart delays after a local server exits: doubling from 250 ms to 30 s, reset once it ran for a minute. */
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 30_000;
const HEALTHY_AFTER_MS = 60_000;

/**
 * A local server process, started on first use and restarted with backoff whenever it exits, until the gateway
 * closes. Calls made while it is down wait for the next start (within the server's timeout).
 */
export class StdioSupervisor {
  #client: Client | null = null;
  #starting: Promise<{ client: Client; info: ServerInfo }> | null = null;
  #failures = 0;
  #closed = false;
  #timer: NodeJS.Timeout | null = null;
  readonly #subscribers = new Set<NotificationSink>();
  /** Starts, for tests and the log: how many times the process was started. */
  starts = 0;

  constructor(
    readonly server: McpServerTarget & { transport: 'stdio' },
    private readonly log: { warn(details: object, message: string): void },
  ) {}

  subscribe(sink: NotificationSink): () => void {
    this.#subscribers.add(sink);
    return () => this.#subscribers.delete(sink);
  }

  /** The process's pid while it runs (tests kill it to prove the restart). */
  get pid(): number | null {
    const transport = this.#client?.transport as StdioClientTransport | undefined;
    return transport?.pid ?? null;
  }

  #onNotification(n: Notification): void {
    // Shared by every session: only list changes (which carry no data) go to them.
    if (n.method.endsWith('/list_changed')) for (const sink of this.#subscribers) sink(this.server.name, n);
    else this.log.warn({ mcp_server: this.server.name, method: n.method }, 'notification from a shared stdio MCP server not passed on');
  }

  #start(): Promise<{ client: Client; info: ServerInfo }> {
    if (this.#closed) return Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'the gateway is closing'));
    if (this.#starting) return this.#starting;
    const s = this.server;
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    client.fallbackNotificationHandler = async (n) => this.#onNotification(n);
    const transport = new StdioClientTransport({ command: s.command, args: [...s.args], env: { ...getDefaultEnvironment(), ...s.env }, ...(s.cwd ? { cwd: s.cwd } : {}), stderr: 'pipe' });
    transport.stderr?.on('data', () => undefined);
    const startedAt = Date.now();
    this.starts++;
    const starting = client.connect(transport, { timeout: s.timeoutMs }).then(
      () => {
        this.#client = client;
        client.onclose = () => this.#exited(client, startedAt);
        return { client, info: { capabilities: client.getServerCapabilities() ?? {}, instructions: client.getInstructions(), version: client.getServerVersion() } };
      },
      (error: unknown) => {
        void client.close().catch(() => undefined);
        this.#starting = null;
        this.#failures++;
        throw unreachable(s.name, error);
      },
    );
    this.#starting = starting;
    return starting;
  }

  #exited(client: Client, startedAt: number): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#starting = null;
    if (this.#closed) return;
    if (Date.now() - startedAt > HEALTHY_AFTER_MS) this.#failures = 0;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.#failures++);
    this.log.warn({ mcp_server: this.server.name, restart_in_ms: delay }, 'stdio MCP server exited; restarting');
    // Restarted eagerly, so that its tools are there when the next call comes.
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#start().then(
        () => {
          for (const sink of this.#subscribers) sink(this.server.name, { method: 'notifications/tools/list_changed' });
        },
        () => undefined,
      );
    }, delay);
    this.#timer.unref();
  }

  async connection(): Promise<{ client: Client; info: ServerInfo }> {
    if (this.#client && this.#starting) return this.#starting;
    return this.#start();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.close().catch(() => undefined);
  }
}

class StdioHandle implements UpstreamHandle {
  readonly #unsubscribe: () => void;

  constructor(readonly server: McpServerTarget, private readonly supervisor: StdioSupervisor, sink: NotificationSink) {
    this.#unsubscribe = supervisor.subscribe(sink);
  }

  async info(): Promise<ServerInfo> {
    return (await this.supervisor.connection()).info;
  }

  async use<T>(use: (client: Client) => Promise<T>): Promise<T> {
    return use((await this.supervisor.connection()).client);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
  }
}

/** Every configured server, and a handle on each for a client session. Closed with the app. */
export class McpUpstreams {
  readonly #stdio = new Map<string, StdioSupervisor>();

  constructor(
    readonly servers: ReadonlyMap<string, McpServerTarget>,
    log: { warn(details: object, message: string): void },
  ) {
    for (const s of servers.values()) if (s.transport === 'stdio') this.#stdio.set(s.name, new StdioSupervisor(s, log));
  }

  supervisor(name: string): StdioSupervisor | undefined {
    return this.#stdio.get(name);
  }

  open(name: string, sink: NotificationSink): UpstreamHandle {
    const server = this.servers.get(name);
    if (!server) throw new Error(`unknown MCP server ${name}`);
    return server.transport === 'http' ? new HttpUpstream(server, sink) : new StdioHandle(server, this.#stdio.get(name)!, sink);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#stdio.values()].map((s) => s.close()));
  }
}

/** Pages followed at most: a server that keeps handing out cursors must not keep the gateway listing forever. */
const MAX_PAGES = 100;

export type ListMethod = 'tools/list' | 'resources/list' | 'resources/templates/list' | 'prompts/list';
const LIST_SCHEMAS = {
  'tools/list': ListToolsResultSchema,
  'resources/list': ListResourcesResultSchema,
  'resources/templates/list': ListResourceTemplatesResultSchema,
  'prompts/list': ListPromptsResultSchema,
} as const;
export const LIST_FIELD = { 'tools/list': 'tools', 'resources/list': 'resources', 'resources/templates/list': 'resourceTemplates', 'prompts/list': 'prompts' } as const;

/** Every item of a list, all pages followed. */
export async function listAll<T>(handle: UpstreamHandle, method: ListMethod, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = (await handle.use((c) => c.request({ method, params: cursor ? { cursor } : {} }, LIST_SCHEMAS[method], { timeout: handle.server.timeoutMs, ...(signal ? { signal } : {}) }))) as Record<string, unknown>;
    out.push(...((result[LIST_FIELD[method]] as T[] | undefined) ?? []));
    cursor = typeof result.nextCursor === 'string' && result.nextCursor ? result.nextCursor : undefined;
    if (!cursor) break;
  }
  return out;
}
