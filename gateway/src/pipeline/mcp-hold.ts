/**
 * A held MCP tool call (the policy's `hold`, or a changed tool definition under `mcp.pinning.changed: hold`) goes
 * through the same approval flow as a held model call (approvals/): a durable approval of kind `mcp.tool`, decided
 * over the admin routes and their SSE stream, run exactly once when approved. The hold happens in the session's
 * request handler, after the arguments were redacted, so that the client's stream is open while it waits: a client
 * that sent a progress token gets a progress notification every `approvals.keepalive_ms` (which keeps a client
 * with `resetTimeoutOnProgress` waiting), and cancelling the request stops the wait, not the approval.
 *
 * By `x-airlock-approval-mode`: `wait` (default) answers with the tool's result once approved, or an `isError`
 * result saying who rejected it and why (or that the wait ran out); `async` answers at once with a result naming
 * the approval. An approved call nobody waits for is run by the `mcp.tool` executor (runHeldToolCall) on an
 * upstream session of its own; its result is collected by sending the same call again with
 * `x-airlock-approval-id` (or `_meta["airlock/approval_id"]`), or at GET /v1/approvals/:id.
 */
import { hash } from 'node:crypto';
import type { Hold } from '@airlock/policies';
import { CallToolResultSchema, type CallToolResult, type Result } from '@modelcontextprotocol/sdk/types.js';
import { APPROVAL_ID_HEADER, heldBy, modeOf, rejected, timedOut } from '../approvals/hold.js';
import type { Approvals } from '../approvals/service.js';
import { FINAL_STATUSES, type ApprovalState } from '../approvals/state.js';
import { CallSignal } from '../contracts/call-signal.js';
import { GatewayError } from '../errors.js';
import type { McpRuntime } from '../mcp/runtime.js';
import type { RequestExtra } from '../mcp/session.js';
import { ENTITY_TYPES, Vault, redactBody, redactStrings, redactText, type EntityType } from '../redaction/index.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import { reevaluate, type PolicyDeps } from './policy.js';
import { canonical } from './suspend.js';

export const MCP_TOOL_KIND = 'mcp.tool';
const META_APPROVAL_ID = 'airlock/approval_id';

type Deps = PolicyDeps & { readonly approvals: Approvals };

/** What the approval keeps to run the call later: the arguments (as they go to the server) sealed. */
interface HeldToolPayload {
  readonly server: string;
  readonly tool: string;
  readonly arguments: ReturnType<Approvals['seal']>;
  /** Entities to mask in the result when it is run without the session (output redaction of the plan). */
  readonly mask_output: { readonly entities: readonly string[]; readonly tier: 'fast' | 'full' } | null;
}

/** SHA-256 of what the approval is for: the server, the tool and its arguments as they go out. */
const toolCallHash = (server: string, tool: string, args: unknown): string => hash('sha256', canonical({ api: 'mcp', server, tool, arguments: args }), 'hex');

const sealScope = (callId: string): string => `mcp:${callId}`;

/** A tool result the agent's model reads: the gateway's text, flagged as an error unless it only reports a state. */
function gatewayResult(ctx: CallContext, text: string, meta: Record<string, unknown>, isError: boolean): CallToolResult {
  return { content: [{ type: 'text', text }], isError, _meta: { 'airlock/call_id': ctx.id, ...meta } };
}

function refusal(ctx: CallContext, error: GatewayError, state: ApprovalState): CallToolResult {
  ctx.error ??= { code: error.code, message: error.message, status: error.status };
  return gatewayResult(ctx, error.message, { 'airlock/code': error.code, [META_APPROVAL_ID]: state.id }, true);
}

/** The approval view: the tool and its arguments with every string PII-masked, whatever the redaction config says. */
function viewOf(ctx: CallContext, deps: Deps, server: string, tool: string): Record<string, unknown> {
  const plan = { entities: new Set<EntityType>(ENTITY_TYPES), mode: 'mask' as const, tier: deps.config.redaction?.plan.tier ?? ('fast' as const) };
  const mask = (v: unknown): unknown => redactStrings(v, (t) => redactText(t, plan, new Vault(), ctx.piiFindings));
  const m = ctx.mcp!;
  return { api: 'mcp', server, tool, description: mask(m.tool?.description ?? ''), annotations: m.tool?.annotations ?? {}, arguments: mask(ctx.body) };
}

function attachedId(ctx: CallContext, request: { params?: Record<string, unknown> }): string | undefined {
  const header = ctx.headers[APPROVAL_ID_HEADER];
  if (typeof header === 'string' && header) return header;
  const meta = request.params?._meta as Record<string, unknown> | undefined;
  return typeof meta?.[META_APPROVAL_ID] === 'string' ? (meta[META_APPROVAL_ID] as string) : undefined;
}

async function createApproval(ctx: CallContext, deps: Deps, hold: Hold, mode: 'wait' | 'async'): Promise<ApprovalState> {
  const m = ctx.mcp!;
  const p = ctx.principal!;
  const server = m.server!.name;
  const traceId = ctx.workflow?.traceId ?? hash('sha256', ctx.id, 'hex').slice(0, 32);
  const plan = ctx.redaction?.plan;
  const payload: HeldToolPayload = {
    server,
    tool: m.toolName,
    arguments: deps.approvals.seal(JSON.stringify(ctx.body), sealScope(ctx.id)),
    mask_output: plan?.output ? { entities: [...plan.entities], tier: plan.tier } : null,
  };
  return deps.approvals.create(
    {
      ...heldBy(ctx, hold),
      trace_id: traceId,
      kind: MCP_TOOL_KIND,
      api: 'mcp',
      shape: 'mcp',
      stream: false,
      mode,
      // Approvers see the arguments masked; an edit would have to be checked against what the server receives.
      editable: false,
      policy_revision: ctx.decision?.revision ?? '',
      request_sha256: toolCallHash(server, m.toolName, ctx.body),
      view: viewOf(ctx, deps, server, m.toolName),
      arguments: null,
      callback_url: null,
      payload,
    },
    `${p.user} (${p.keyId})`,
  );
}

/** An executed approval's stored result, as the tool result it was. */
function storedResult(deps: Deps, state: ApprovalState): Result {
  const result = deps.approvals.result(state)!;
  const parsed = JSON.parse(result.body.toString('utf8')) as Record<string, unknown>;
  return { ...parsed, _meta: { ...(parsed._meta as Record<string, unknown> | undefined), [META_APPROVAL_ID]: state.id } };
}

/** Keeps the client's request alive while a human decides, when it asked for progress. */
function keepAlive(deps: Deps, state: ApprovalState, request: { params?: Record<string, unknown> }, extra: RequestExtra): () => void {
  const token = (request.params?._meta as Record<string, unknown> | undefined)?.progressToken;
  if (typeof token !== 'string' && typeof token !== 'number') return () => undefined;
  let beats = 0;
  const timer = setInterval(() => {
    beats++;
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: beats, message: `awaiting approval ${state.id}` } }).catch(() => undefined);
  }, deps.approvals.config.keepaliveMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Answers a held tools/call. `run` calls the tool on the session's server with the redacted arguments and gives
 * the result as the client gets it (output redaction applied); it runs only here, only once approved, and only
 * when this process won the claim.
 */
export async function heldToolCall(ctx: CallContext, deps: Deps, hold: Hold, request: { params?: Record<string, unknown> }, extra: RequestExtra, run: () => Promise<Result>): Promise<Result> {
  const { approvals } = deps;
  const m = ctx.mcp!;
  const server = m.server!.name;
  const mode = modeOf(ctx);
  const attach = attachedId(ctx, request);
  let state: ApprovalState;
  if (attach !== undefined) {
    const found = /^apr_[0-9a-f]{32}$/.test(attach) ? await approvals.get(attach, ctx.principal!.tenant) : null;
    if (!found || found.record.requester.key_id !== ctx.principal!.keyId || found.record.kind !== MCP_TOOL_KIND) {
      throw new GatewayError('GW_ERR_NOT_FOUND', `No approval ${attach} for this key.`);
    }
    if (found.record.request_sha256 !== toolCallHash(server, m.toolName, ctx.body)) {
      throw new GatewayError('GW_ERR_CONFLICT', `Approval ${attach} was asked for a different tool call; send that call, or no approval id.`);
    }
    state = found;
    approvals.watch(state);
  } else state = await createApproval(ctx, deps, hold, mode);
  ctx.labels['approval.id'] = state.id;
  ctx.labels['approval.status'] = state.status;
  if (mode === 'async' && state.status === 'pending') {
    const expires = new Date(state.expires_at_ms).toISOString();
    const text = `This call awaits approval ${state.id} (${state.record.reason}); it runs once approved. Send it again with ${APPROVAL_ID_HEADER}: ${state.id} for its result (until ${expires}).`;
    // A tool with an output schema must have structured content unless the result is an error.
    return gatewayResult(ctx, text, { [META_APPROVAL_ID]: state.id, 'airlock/approval_status': 'pending', 'airlock/status_url': `/v1/approvals/${state.id}` }, m.tool?.outputSchema !== undefined);
  }
  const deadline = Date.now() + Math.min(approvals.config.maxWaitMs, Math.max(0, state.expires_at_ms - Date.now()) + approvals.config.pollMs * 2);
  const stopBeats = keepAlive(deps, state, request, extra);
  // The wait ends when the client goes away or cancels this request; the approval stays, and runs if approved.
  const stopped = new CallSignal();
  const gone = (): void => stopped.abort();
  if (ctx.signal.aborted || extra.signal.aborted) gone();
  ctx.signal.once('abort', gone);
  extra.signal.addEventListener('abort', gone, { once: true });
  try {
    for (;;) {
      const decided = await approvals.until(state, { timeoutMs: deadline - Date.now(), signal: stopped });
      if (!decided) return refusal(ctx, timedOut(state, Date.now() >= state.expires_at_ms ? 'expired' : 'wait'), state);
      state = decided;
      ctx.labels['approval.status'] = state.status;
      switch (state.status) {
        case 'rejected':
          return refusal(ctx, rejected(state), state);
        case 'expired':
          return refusal(ctx, timedOut(state, 'expired'), state);
        case 'failed':
          return refusal(ctx, new GatewayError('GW_ERR_POLICY_DENIED', `The approved call was not run: ${String(state.outcome?.data.message ?? 'it failed')} (approval ${state.id}).`), state);
        case 'executed':
          return storedResult(deps, state);
        case 'approved':
          break;
        case 'pending':
          continue;
      }
      const claimId = await approvals.claim(state);
      if (!claimId) {
        // Another process runs it: its result is the answer, once it is written.
        await new Promise((r) => setTimeout(r, approvals.config.pollMs).unref());
        const now = await approvals.get(state.id, state.tenant);
        if (now && FINAL_STATUSES.has(now.status)) state = now;
        if (Date.now() > deadline || stopped.aborted) return refusal(ctx, timedOut(state, 'wait'), state);
        continue;
      }
      return await execute(ctx, deps, state, claimId, run);
    }
  } finally {
    stopBeats();
    ctx.signal.off('abort', gone);
    extra.signal.removeEventListener('abort', gone);
  }
}

async function execute(ctx: CallContext, deps: Deps, state: ApprovalState, claimId: string, run: () => Promise<Result>): Promise<Result> {
  const { approvals } = deps;
  const stop = approvals.renewing(state, claimId);
  try {
    ctx.labels['approval.trace_id'] = state.record.trace_id;
    // The bundle as it is now decides again: a call it now denies, or holds for another reason, does not run.
    const again = reevaluate(ctx, deps);
    if (again.kind === 'deny' || (again.kind === 'hold' && !again.reasons.includes(state.record.reason))) {
      const error = new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy at execution (approval ${state.id}): ${again.reasons.join('; ')}`);
      await approvals.finish(state, claimId, { error: { code: error.code, message: error.message, status: error.status } });
      return refusal(ctx, error, state);
    }
    // A tool call's effect cannot be undone or deduplicated: killed from here, it is reported, never run twice.
    await approvals.started(state, claimId, false);
    const result = await run();
    await approvals.finish(state, claimId, { result: { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(result)) } });
    return { ...result, _meta: { ...(result._meta as Record<string, unknown> | undefined), [META_APPROVAL_ID]: state.id } };
  } catch (error) {
    await approvals.finish(state, claimId, { error: { code: 'GW_ERR_UPSTREAM', message: (error as Error).message.slice(0, 500), status: 502 } });
    throw error;
  } finally {
    stop();
  }
}

/**
 * The `mcp.tool` executor: runs an approved tool call nobody waits for (an async caller, a waiter that went away,
 * an approval reloaded after a restart) on an upstream session of its own, and gives the result to be stored.
 */
export function mcpToolExecutor(deps: Pick<StageDeps, 'mcp'> & { readonly approvals: Approvals }) {
  return async (state: ApprovalState, claimId: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> => {
    const payload = state.record.payload as HeldToolPayload;
    const runtime: McpRuntime = deps.mcp;
    if (!runtime.config.servers.has(payload.server)) throw new GatewayError('GW_ERR_NOT_FOUND', `MCP server \`${payload.server}\` is no longer configured.`);
    const args = JSON.parse(deps.approvals.open(payload.arguments, sealScope(state.record.call_id))) as Record<string, unknown>;
    if (toolCallHash(payload.server, payload.tool, args) !== state.request_sha256) throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied: the call is not the one approval ${state.id} was granted for.`);
    await deps.approvals.started(state, claimId, false);
    const handle = runtime.upstreams.open(payload.server, () => undefined);
    try {
      let result = (await handle.use((c) => c.request({ method: 'tools/call', params: { name: payload.tool, arguments: args, _meta: { [META_APPROVAL_ID]: state.id } } }, CallToolResultSchema, { timeout: handle.server.timeoutMs }))) as Record<string, unknown>;
      if (payload.mask_output) {
        const plan = { entities: new Set(payload.mask_output.entities as EntityType[]), mode: 'mask' as const, tier: payload.mask_output.tier };
        result = redactBody('mcp', result, plan, new Vault()).body as Record<string, unknown>;
      }
      return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(result)) };
    } finally {
      await handle.close();
    }
  };
}
