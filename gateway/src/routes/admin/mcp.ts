/**
 * Tool-definition pinning, per tenant: GET shows each MCP server's tools against the definitions an admin
 * approved (new, changed with a field-by-field diff, removed); POST approves the server's tools as they are now
 * (all, or the named ones), optionally only if they still hash as the admin reviewed them. Each approval is an
 * audit entry holding the diff that was approved.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ACCESS, actorOf } from '../../auth/access.js';
import { GatewayError } from '../../errors.js';
import { listAll } from '../../mcp/upstream.js';
import type { StageDeps } from '../../pipeline/deps.js';

const ApproveSchema = z
  .object({
    /** Approve only these tools (the others keep their approval). */
    tools: z.array(z.string().min(1)).min(1).optional(),
    /** Tool name → the sha256 the admin reviewed: the approval is refused (409) if a tool hashes otherwise now. */
    expect: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  })
  .strict();

type Parse = <T extends z.ZodType>(schema: T, value: unknown) => z.infer<T>;

export function registerMcpAdminRoutes(app: FastifyInstance, deps: StageDeps, parse: Parse): void {
  const runtime = deps.mcp;
  /** The server's tools as it offers them now, over a connection of the gateway's own. */
  const currentTools = async (name: string): Promise<Tool[]> => {
    const handle = runtime.upstreams.open(name, () => undefined);
    try {
      if (!(await handle.info()).capabilities.tools) return [];
      return await listAll<Tool>(handle, 'tools/list');
    } catch (error) {
      throw new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', `MCP server \`${name}\` cannot be listed: ${(error as Error).message.replace(/^MCP error -?\d+: /, '')}`, { cause: error });
    } finally {
      await handle.close();
    }
  };
  const serverOf = (request: FastifyRequest<{ Params: { server: string } }>) => {
    const server = runtime.config.servers.get(request.params.server);
    if (!server) throw new GatewayError('GW_ERR_NOT_FOUND', `Unknown MCP server \`${request.params.server}\`.`);
    return server;
  };

  app.get('/admin/mcp/servers', { config: { access: ACCESS.read } }, async (request) => {
    const tenant = request.tenant!;
    const servers = await Promise.all(
      [...runtime.config.servers.values()].map(async (s) => {
        const base = { name: s.name, transport: s.transport, external: s.external, approved: runtime.pins.approved(tenant, s.name) };
        try {
          return { ...base, tools: runtime.pins.diff(tenant, s.name, await currentTools(s.name)) };
        } catch (error) {
          return { ...base, tools: [], error: (error as Error).message };
        }
      }),
    );
    return { tenant, pinning: { unapproved: runtime.config.pinning.unapproved, changed: runtime.config.pinning.changed }, servers };
  });

  app.post<{ Params: { server: string } }>('/admin/mcp/servers/:server/approve', { config: { access: ACCESS.mcp } }, async (request) => {
    const server = serverOf(request);
    const body = parse(ApproveSchema, request.body ?? {});
    const tenant = request.tenant!;
    const tools = await currentTools(server.name);
    const unknown = (body.tools ?? []).filter((t) => !tools.some((x) => x.name === t));
    if (unknown.length) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`tools\`: the server offers no tool ${unknown.join(', ')}.`, { param: 'tools' });
    if (body.expect) {
      const now = runtime.pins.diff(tenant, server.name, tools);
      const moved = Object.entries(body.expect).filter(([name, sha]) => now.find((d) => d.tool === name)?.sha256 !== sha);
      if (moved.length) {
        throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`expect\`: ${moved.map(([n]) => n).join(', ')} changed since you reviewed ${moved.length > 1 ? 'them' : 'it'}; review again.`, { param: 'expect', status: 409 });
      }
    }
    const actor = actorOf(request.principal!);
    const diff = await runtime.pins.approve(tenant, server.name, tools, actor, body.tools);
    deps.store?.audit.append({ tenant, actor, action: 'mcp.server.approved', subject: server.name, details: { tools: diff.filter((d) => d.status !== 'approved') } });
    return { tenant, server: server.name, approved: diff.filter((d) => d.status !== 'removed').map((d) => ({ tool: d.tool, sha256: d.sha256, was: d.status })) };
  });
}
