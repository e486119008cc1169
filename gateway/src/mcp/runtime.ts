/** The MCP side of the gateway, made once with the app: its servers, the client sessions and the tool pins. */
import type { McpConfig } from '../config/load.js';
import { PinStore } from './pins.js';
import { McpSessions } from './session.js';
import { McpUpstreams } from './upstream.js';

export interface McpRuntime {
  readonly config: McpConfig;
  readonly upstreams: McpUpstreams;
  readonly sessions: McpSessions;
  readonly pins: PinStore;
  /** Changed definitions already audited (tenant, server, tool, hash), so that each change is one audit entry. */
  readonly changesSeen: Set<string>;
  close(): Promise<void>;
}

export async function createMcpRuntime(config: McpConfig, log: { warn(details: object, message: string): void }): Promise<McpRuntime> {
  const upstreams = new McpUpstreams(config.servers, log);
  const sessions = new McpSessions(config.sessionIdleMs);
  const pins = await PinStore.open(config.pinning.file);
  return {
    config,
    upstreams,
    sessions,
    pins,
    changesSeen: new Set(),
    async close() {
      await sessions.close();
      await upstreams.close();
    },
  };
}
