/** The test tool server over stdio, as the gateway starts a local MCP server (`mcp.servers.NAME.command`). */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { buildToolServer } from './tool-server.js';

const { server } = buildToolServer(process.env.TOOL_SERVER_NAME ?? 'local');
await server.connect(new StdioServerTransport());
