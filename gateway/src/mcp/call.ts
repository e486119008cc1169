/** What an MCP request carries through the pipeline (CallContext.mcp), from the route to the session's handler. */
import type { Hold } from '@airlock/policies';
import type { JSONRPCMessage, RequestId, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerTarget } from '../config/load.js';
import type { PinStatus } from './pins.js';
import type { McpSession } from './session.js';

export interface McpCall {
  /** The server named in the path (/mcp/:server); null for the merged endpoint (/mcp). */
  readonly endpoint: string | null;
  readonly httpMethod: string;
  /** The URL as the client sent it (the SDK transport reads it). */
  readonly url: string;
  message: JSONRPCMessage | null;
  /** The JSON-RPC request's id; null for notifications, responses and GET/DELETE. */
  id: RequestId | null;
  /** The JSON-RPC method; empty for GET (the server's stream) and DELETE (ending the session). */
  method: string;
  session: McpSession | null;
  /** The server the request goes to (tools/call, resources/read, prompts/get, or any request to /mcp/:server). */
  server: McpServerTarget | null;
  /** tools/call: the tool's name on its server, its definition as last listed (null if never listed), its pin. */
  toolName: string;
  tool: Tool | null;
  pin: PinStatus | null;
  /** tools/call: held for approval (by policy, or a changed definition), decided in the session's handler. */
  hold: Hold | null;
  resourceUri: string;
  promptName: string;
  /** What the redact stage does to a result before the client gets it. */
  resultFilter: ((result: Record<string, unknown>) => Record<string, unknown>) | null;
  /** The upstream request, for the trace: when it started (wall clock), how long it took, how it ended. */
  upstream: { startedAtMs: number; durationMs: number; error: string | null } | null;
  /** Lists: how many items were shown and hidden (by policy or pinning). */
  listed: { shown: number; hidden: number } | null;
}

export function newMcpCall(init: { endpoint: string | null; httpMethod: string; url: string }): McpCall {
  return {
    ...init,
    message: null,
    id: null,
    method: '',
    session: null,
    server: null,
    toolName: '',
    tool: null,
    pin: null,
    hold: null,
    resourceUri: '',
    promptName: '',
    resultFilter: null,
    upstream: null,
    listed: null,
  };
}
