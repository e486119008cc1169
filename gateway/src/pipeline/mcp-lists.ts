/**
 * MCP lists, filtered before they leave: every tool, resource, resource template and prompt is shown only when the
 * policy, asked about that item (`input.call.mcp.listing`), does not deny it, and a tool only when its definition
 * is the approved one (pinning). A merged endpoint (/mcp) lists every server's items under `server__` prefixes;
 * a server that fails is left out of the merged list (and labelled on the call), not the whole list.
 */
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerTarget } from '../config/load.js';
import { PREFIX_SEPARATOR, type McpSession, type RequestExtra } from '../mcp/session.js';
import { LIST_FIELD, listAll, type ListMethod } from '../mcp/upstream.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import { buildPolicyInput, listingInput } from './policy-input.js';
import { evaluate, verdictOf, type PolicyDeps } from './policy.js';

type Deps = PolicyDeps & Pick<StageDeps, 'mcp'>;

/** Every tool the server offers now, remembered on the session for the calls that follow. */
export async function listAllTools(session: McpSession, server: string, signal?: AbortSignal): Promise<readonly Tool[]> {
  const tools = await listAll<Tool>(session.upstreams.get(server)!, 'tools/list', signal);
  session.tools.set(server, tools);
  return tools;
}

/** Whether the policy lets this key see an item; without a bundle, everything is visible. */
function visible(ctx: CallContext, deps: Deps, base: ReturnType<typeof buildPolicyInput> | null, server: McpServerTarget, item: Parameters<typeof listingInput>[2]): boolean {
  if (!base) return true;
  return verdictOf(evaluate(listingInput(base, server, item), deps).decision).kind !== 'deny';
}

function pinVisible(ctx: CallContext, deps: Deps, server: McpServerTarget, tool: Tool): boolean {
  const status = deps.mcp.pins.status(ctx.principal!.tenant, server.name, tool);
  if (status === 'unapproved') return deps.config.mcp.pinning.unapproved === 'allow';
  if (status === 'approved') return true;
  // Listed with its calls held, when the config says so; else hidden until approved again.
  return deps.config.mcp.pinning.changed === 'hold';
}

const prefixed = (session: McpSession, server: string, name: string): string => (session.endpoint.kind === 'aggregate' ? `${server}${PREFIX_SEPARATOR}${name}` : name);

/** Answers a list request for the session's servers, filtered for the caller. */
export async function filteredList(ctx: CallContext, deps: Deps, session: McpSession, method: ListMethod, extra: RequestExtra): Promise<Record<string, unknown>> {
  const base = deps.policy && ctx.principal ? (ctx.policyInput ?? buildPolicyInput(ctx, deps)) : null;
  const servers = session.serverNames.map((n) => deps.config.mcp.servers.get(n)!);
  let shown = 0;
  let hidden = 0;
  const failed: string[] = [];
  const perServer = await Promise.all(
    servers.map(async (server) => {
      try {
        return await collect(server);
      } catch (error) {
        if (session.endpoint.kind === 'server') throw error;
        failed.push(server.name);
        return [];
      }
    }),
  );
  async function collect(server: McpServerTarget): Promise<unknown[]> {
    const capabilities = (await session.upstreams.get(server.name)!.info()).capabilities;
    if (method === 'tools/list') {
      if (!capabilities.tools) return [];
      const tools = await listAllTools(session, server.name, extra.signal);
      return tools.flatMap((t) => {
        const ok =
          pinVisible(ctx, deps, server, t) &&
          visible(ctx, deps, base, server, { tool: { name: t.name, description: t.description ?? '', annotations: { ...t.annotations }, pin: deps.mcp.pins.status(ctx.principal!.tenant, server.name, t) }, resource: null, prompt: null });
        ok ? shown++ : hidden++;
        return ok ? [{ ...t, name: prefixed(session, server.name, t.name) }] : [];
      });
    }
    if (method === 'prompts/list') {
      if (!capabilities.prompts) return [];
      const prompts = await listAll<Prompt>(session.upstreams.get(server.name)!, method, extra.signal);
      return prompts.flatMap((p) => {
        const ok = visible(ctx, deps, base, server, { tool: null, resource: null, prompt: { name: p.name } });
        ok ? shown++ : hidden++;
        return ok ? [{ ...p, name: prefixed(session, server.name, p.name) }] : [];
      });
    }
    if (!capabilities.resources) return [];
    const items = await listAll<Resource | ResourceTemplate>(session.upstreams.get(server.name)!, method, extra.signal);
    return items.flatMap((r) => {
      const uri = 'uri' in r ? r.uri : r.uriTemplate;
      const ok = visible(ctx, deps, base, server, { tool: null, resource: { uri, name: r.name }, prompt: null });
      ok ? shown++ : hidden++;
      if (ok && 'uri' in r) session.resourceOwners.set(r.uri, server.name);
      return ok ? [r] : [];
    });
  }
  ctx.mcp!.listed = { shown, hidden };
  ctx.labels['mcp.listed'] = String(shown);
  ctx.labels['mcp.hidden'] = String(hidden);
  if (failed.length) ctx.labels['mcp.unavailable'] = failed.join(',');
  return { [LIST_FIELD[method]]: perServer.flat() };
}
