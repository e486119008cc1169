/**
 * Builds the document a policy sees for one call in its request phase (the PolicyInput contract in @airlock/policies):
 * who calls, what the call does (model, tools offered, the history's tool calls as context, target of API calls, PII
 * found), the workflow, and the usage so far. The response phase (response-policy.ts) reuses it per tool call.
 */
import type { PolicyInput } from '@airlock/policies';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';

type Json = Record<string, unknown>;

export function parseArgs(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((v): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)) : []);
const nameOf = (value: unknown): string => (typeof value === 'string' ? value : '');

export type PolicyToolCall = PolicyInput['call']['tool_calls'][number];

/**
 * Tool calls already in the request's history (assistant turns), in any of the formats: the agent has run them by
 * now, so policy sees them as context (`history_tool_calls`), never as actions to hold. Read defensively: a field
 * the API does not have (and so its schema did not check) may hold anything.
 */
export function historyToolCallsOf(body: Json): PolicyToolCall[] {
  const out: PolicyToolCall[] = [];
  for (const m of objects(body.messages)) {
    for (const c of objects(m.tool_calls)) {
      const fn = c.function as Json | undefined;
      if (fn && typeof fn === 'object') out.push({ id: nameOf(c.id), name: nameOf(fn.name), arguments: parseArgs(fn.arguments) });
    }
    for (const b of objects(m.content)) if (b.type === 'tool_use') out.push({ id: nameOf(b.id), name: nameOf(b.name), arguments: b.input ?? {} });
  }
  for (const it of objects(body.input)) {
    if (it.type === 'function_call') out.push({ id: nameOf(it.call_id), name: nameOf(it.name), arguments: parseArgs(it.arguments) });
    else if (it.type === 'custom_tool_call') out.push({ id: nameOf(it.call_id), name: nameOf(it.name), arguments: it.input ?? '' });
  }
  return out;
}

function toolNames(body: Json): string[] {
  return objects(body.tools).map((t) => {
    const fn = t.function as Json | null | undefined;
    return nameOf(fn && typeof fn === 'object' ? fn.name : t.name);
  });
}

type PolicyDeployments = PolicyInput['call']['deployments'];
const deploymentLists = new WeakMap<NonNullable<CallContext['model']>, PolicyDeployments>();

/** The deployments that would serve a model, as a policy sees them (no credentials, no URLs); made once per route. */
function deploymentsOf(model: CallContext['model']): PolicyDeployments {
  if (!model) return [];
  let list = deploymentLists.get(model);
  if (!list) {
    list = model.deployments.map((d) => ({ id: d.id, provider: d.provider, model: d.upstreamModel, region: d.region ?? '' }));
    deploymentLists.set(model, list);
  }
  return list;
}

/**
 * About four bytes of request a token. The request's declared length when it has one, so that a 16 KB prompt is not
 * serialised again only to be measured; else the body as serialised.
 */
function estimatedTokens(ctx: CallContext, body: unknown): number {
  const declared = Number(ctx.headers['content-length']);
  const bytes = Number.isSafeInteger(declared) && declared >= 0 ? declared : JSON.stringify(ctx.api === 'http' ? (ctx.rawBody ?? '') : body).length;
  return Math.ceil(bytes / 4);
}

type McpInput = NonNullable<PolicyInput['call']['mcp']>;

/** An MCP request as a policy sees it; the tool's definition as the server last listed it. */
function mcpInput(ctx: CallContext): McpInput | null {
  const m = ctx.mcp;
  if (!m) return null;
  const t = m.tool;
  return {
    server: m.server?.name ?? '',
    external: m.server?.external ?? false,
    method: m.method,
    listing: false,
    tool: m.toolName ? { name: m.toolName, description: t?.description ?? '', annotations: { ...t?.annotations }, pin: m.pin ?? 'unapproved' } : null,
    arguments: m.method === 'tools/call' ? ctx.body : null,
    resource: m.resourceUri ? { uri: m.resourceUri, name: '' } : null,
    prompt: m.promptName ? { name: m.promptName } : null,
  };
}

/** The input for one listed item of an MCP list: shown unless the decision denies it. */
export function listingInput(base: PolicyInput, server: { name: string; external: boolean }, item: Pick<McpInput, 'tool' | 'resource' | 'prompt'>): PolicyInput {
  const mcp: McpInput = { ...base.call.mcp!, server: server.name, external: server.external, listing: true, arguments: null, ...item };
  return { ...base, call: { ...base.call, tools: item.tool ? [item.tool.name] : [], tool_calls: [], mcp } };
}

/** An API call's body as a policy reads it: what Fastify parsed as JSON; bytes of any other type are not read. */
const jsonBody = (raw: unknown): unknown => (raw === undefined || Buffer.isBuffer(raw) || typeof raw === 'string' ? null : raw);

export function buildPolicyInput(ctx: CallContext, deps: Pick<StageDeps, 'usage'>): PolicyInput {
  const p = ctx.principal!;
  const w = ctx.workflow;
  const now = Date.now();
  // Resolved before policy (resolve.ts): an unknown model never gets here.
  const model = ctx.model;
  const target = ctx.target
    ? { system: ctx.target.system.name, host: new URL(ctx.target.system.baseUrl).host, path: ctx.target.path, method: ctx.target.method, body: jsonBody(ctx.rawBody) }
    : null;
  const body = ctx.api === 'http' || ctx.api === 'mcp' ? {} : ctx.body;
  const mcp = mcpInput(ctx);
  return {
    phase: 'request',
    principal: { key_id: p.keyId, tenant: p.tenant, team: p.team, user: p.user, roles: [...p.roles] },
    call: {
      id: ctx.id,
      api: ctx.api,
      provider: ctx.api === 'http' || ctx.api === 'mcp' ? ctx.api : (model?.deployments[0]?.provider ?? 'unknown'),
      // The canonical name, so that policies need not know every alias.
      model: model?.name ?? '',
      deployments: deploymentsOf(model),
      stream: ctx.stream,
      tools: mcp?.tool ? [mcp.tool.name] : toolNames(body),
      // A model call's request carries no new tool call: the model's answer does (the response phase, response-policy.ts).
      // An MCP tools/call is one, so the bundle's rules on tool calls apply to it as to a model's.
      tool_calls: mcp?.tool && mcp.method === 'tools/call' ? [{ id: String(ctx.mcp!.id ?? ''), name: mcp.tool.name, arguments: ctx.body }] : [],
      history_tool_calls: historyToolCallsOf(body),
      target,
      mcp,
      estimated_tokens: estimatedTokens(ctx, ctx.api === 'mcp' ? ctx.body : body),
      pii: ctx.pii,
    },
    workflow: { id: w?.id ?? '', run: w?.run ?? '', step: w?.step ?? '' },
    usage: { key: deps.usage.figures(`key:${p.keyId}`, now), team: deps.usage.figures(`team:${p.tenant}/${p.team}`, now) },
    time: { now_ns: now * 1e6, rfc3339: new Date(now).toISOString() },
  };
}
