/**
 * A tool call in a model's answer that policy holds (the response phase, pipeline/response-policy.ts). The model
 * call has run; what waits is the action the agent would take on reading the answer, so the tool call is kept from
 * the agent as its own approval (kind `tool_call`), by `x-airlock-approval-mode`:
 *
 * - `wait` (default): the answer waits (buffered: whole; streamed: from that tool call on, text before it already
 *   sent, SSE comments as keep-alives). Approved, the agent gets the tool call — with the approver's arguments if
 *   they were edited, once the bundle has been asked again about them; rejected or expired, a well-formed answer
 *   without it and a text saying why (or, with `policy.refused_tool_calls: error`, the error in the caller's shape:
 *   403 with the approver's reason, 408 naming the approval). At the wait limit the answer goes on without it, and
 *   the approval stays open: its release is collected from `GET /v1/approvals/:id`.
 * - `async`: the answer goes on at once without the tool call and with a text naming the approval; once approved,
 *   `GET /v1/approvals/:id` (and the callback) gives an answer of the caller's API that carries only that tool call.
 *   Never a 202: the answer has been produced (and paid for), and in a stream the headers are long gone.
 *
 * Releasing a tool call sends nothing upstream, so running it "once" is the claim rule alone: whoever claims the
 * approved call records the released call as its result, and a waiter on another replica answers with that result.
 */
import { hash } from 'node:crypto';
import type { Hold, PolicyInput } from '@airlock/policies';
import type { ApiFormat } from '../contracts/api.js';
import { GatewayError } from '../errors.js';
import { NOTICE_PREFIX, toolCallAnswer, toolCallsOfAnswer, type AnswerToolCall } from '../pipeline/answer-tool-calls.js';
import type { CallContext } from '../pipeline/call-context.js';
import type { StageDeps } from '../pipeline/deps.js';
import { canonical } from '../pipeline/suspend.js';
import type { Verdict } from '../pipeline/tool-call-stream.js';
import { CALLBACK_HEADER, approverMask, heldBy, modeOf, outcomeElsewhere, rejected, timedOut, traceIdFor } from './hold.js';
import { approvalId, type ApprovalResult, type Approvals, type Executor } from './service.js';
import type { ApprovalState } from './state.js';
import { checkCallbackUrl } from './webhook.js';

export const TOOL_CALL_KIND = 'tool_call';

/** The bundle asked again about a tool call about to be released (its arguments perhaps edited). */
export type DecideAgain = (call: AnswerToolCall, request: PolicyInput, approvalId: string) => { kind: 'allow' | 'deny' | 'hold'; reasons: readonly string[] };

/** What the approval keeps, sealed: the call as the model wrote it and what is needed to decide and render it. */
interface HeldToolCall {
  readonly call: AnswerToolCall;
  readonly request: PolicyInput;
  readonly format: ApiFormat;
  readonly model: string;
}

export type AnswerHoldDeps = Pick<StageDeps, 'config'> & { readonly approvals: Approvals; readonly revision: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** SHA-256 of the tool call as it would reach the agent: what an approval of it is bound to. */
export function toolCallHash(format: string, model: string, call: AnswerToolCall): string {
  return hash('sha256', canonical({ kind: TOOL_CALL_KIND, format, model, id: call.id, name: call.name, arguments: call.arguments }), 'hex');
}

/** The hash a tool-call approval is bound to once an approver replaced its arguments. */
export function editedToolCallHash(state: ApprovalState, args: Record<string, unknown>): string {
  const view = state.record.view as { format?: string; model?: string; tool_call?: { id?: string; name?: string } };
  return toolCallHash(view.format ?? '', view.model ?? '', { id: view.tool_call?.id ?? '', name: view.tool_call?.name ?? '', arguments: args });
}

const notice = (call: AnswerToolCall, text: string): string => `${NOTICE_PREFIX} The tool call "${call.name}" ${text}`;

/**
 * The tool call as it may be released once approved: the edit applied, bound to the hash the approval was granted
 * for, and allowed by the bundle now (a hold for the reason it was approved for is what was approved).
 */
function released(state: ApprovalState, held: HeldToolCall, again: DecideAgain): AnswerToolCall {
  const call = state.edited && state.arguments ? { ...held.call, arguments: state.arguments } : held.call;
  if (toolCallHash(held.format, held.model, call) !== state.request_sha256) {
    throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied: the tool call is not the one approval ${state.id} was granted for.`);
  }
  const now = again(call, held.request, state.id);
  if (now.kind === 'deny') throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy at release (approval ${state.id}): ${now.reasons.join('; ')}`);
  if (now.kind === 'hold' && !now.reasons.includes(state.record.reason)) {
    throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy at release (approval ${state.id}): the tool call now needs another approval: ${now.reasons.join('; ')}`);
  }
  return call;
}

function resultOf(held: HeldToolCall, call: AnswerToolCall, id: string): ApprovalResult {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(toolCallAnswer(held.format, call, held.model, id.replace(/^apr_/, '')))) };
}

function openHeld(approvals: Approvals, state: ApprovalState): HeldToolCall {
  return JSON.parse(approvals.open(state.record.payload as Parameters<Approvals['open']>[0], state.id)) as HeldToolCall;
}

/** Runs tool-call approvals nobody waits for here (async mode, a waiter gone, a restart): the release is the result. */
export function toolCallExecutor(approvals: Approvals, again: DecideAgain): Executor {
  return async (state) => {
    const held = openHeld(approvals, state);
    return resultOf(held, released(state, held, again), state.id);
  };
}

/** The verdict an approval's end gives the tool call; `held` is the call as the model wrote it. */
async function verdictOf(ctx: CallContext, approvals: Approvals, state: ApprovalState, held: HeldToolCall, again: DecideAgain): Promise<Verdict> {
  const { call } = held;
  const id = state.id;
  ctx.labels['approval.status'] = state.status;
  switch (state.status) {
    case 'pending':
      return { notice: notice(call, `is still waiting for approval ${id} (${state.record.reason}); once decided, it is at GET /v1/approvals/${id}.`), error: timedOut(state, 'wait') };
    case 'rejected':
      return { notice: notice(call, `was not run: an approver rejected it (${state.decision_reason || 'no reason given'}; approval ${id}).`), error: rejected(state) };
    case 'expired':
      return { notice: notice(call, `was not run: its approval ${id} expired before it was decided.`), error: timedOut(state, 'expired') };
    case 'failed': {
      const message = String(state.outcome?.data.message ?? 'it was refused at release');
      return { notice: notice(call, `was not run: ${message}`), error: new GatewayError('GW_ERR_POLICY_DENIED', message) };
    }
    case 'executed': {
      const result = approvals.result(state);
      const body = result ? (JSON.parse(result.body.toString('utf8')) as Record<string, unknown>) : {};
      const out = toolCallsOfAnswer(held.format, body)[0]?.call;
      if (!out) return { notice: notice(call, `was not run: approval ${id} holds no released call.`), error: new GatewayError('GW_ERR_INTERNAL', `approval ${id} holds no released call`) };
      return canonical(out.arguments) === canonical(call.arguments) ? null : { release: out };
    }
    case 'approved': {
      const claimId = await approvals.claim(state);
      if (!claimId) return verdictOf(ctx, approvals, await outcomeElsewhere(approvals, state, ctx.signal), held, again);
      try {
        const out = released(state, held, again);
        await approvals.finish(state, claimId, { result: resultOf(held, out, id) });
        if (state.edited) ctx.labels['approval.edited'] = 'true';
        return out === call ? null : { release: out };
      } catch (error) {
        const ge = error instanceof GatewayError ? error : new GatewayError('GW_ERR_INTERNAL', 'The approved tool call failed in the gateway.', { cause: error });
        await approvals.finish(state, claimId, { error: { code: ge.code, message: ge.message, status: ge.status } });
        return { notice: notice(call, `was not run: ${ge.message}`), error: ge };
      }
    }
  }
}

/**
 * Holds one tool call of the answer: stores its approval (durably, before anything else happens), then waits for
 * it or, in async mode, lets the answer go on without it.
 */
export async function holdToolCall(ctx: CallContext, deps: AnswerHoldDeps, request: PolicyInput, call: AnswerToolCall, hold: Hold, again: DecideAgain): Promise<Verdict> {
  const { approvals } = deps;
  const mode = modeOf(ctx);
  const p = ctx.principal!;
  const format = ctx.api as ApiFormat;
  const model = ctx.model?.name ?? ctx.requestedModel;
  const id = approvalId();
  const held: HeldToolCall = { call, request, format, model };
  const mask = approverMask(ctx, deps);
  const args = isObject(call.arguments) ? call.arguments : null;
  const state = await approvals.create(
    {
      ...heldBy(ctx, hold),
      trace_id: traceIdFor(ctx),
      kind: TOOL_CALL_KIND,
      api: ctx.api,
      shape: ctx.shape === 'anthropic' ? 'anthropic' : 'openai',
      stream: ctx.stream,
      mode,
      editable: hold.editable === true && args !== null,
      policy_revision: deps.revision,
      request_sha256: toolCallHash(format, model, call),
      view: { phase: 'response', format, model, tool_call: { id: call.id, name: call.name, arguments: mask(call.arguments) } },
      arguments: args === null ? null : (mask(args) as Record<string, unknown>),
      callback_url: checkCallbackUrl(ctx.headers[CALLBACK_HEADER], approvals.config.callbackHosts),
      payload: approvals.seal(JSON.stringify(held), id),
    },
    `${p.user} (${p.keyId})`,
    id,
  );
  ctx.labels['approval.id'] ??= state.id;
  ctx.labels['approval.status'] = state.status;
  if (mode === 'async') {
    return {
      notice: notice(call, `is waiting for approval ${id} (${hold.reason}; approver role: ${hold.approver_role}); once approved, it is at GET /v1/approvals/${id}.`),
      error: new GatewayError('GW_ERR_APPROVAL_REQUIRED', `The model's tool call "${call.name}" waits for approval ${id}: ${hold.reason}; collect it at GET /v1/approvals/${id}.`, { headers: { 'x-airlock-approval-id': id } }),
    };
  }
  const timeoutMs = Math.min(approvals.config.maxWaitMs, Math.max(0, state.expires_at_ms - Date.now()) + approvals.config.pollMs * 2);
  const decided = await approvals.until(state, { timeoutMs, signal: ctx.signal });
  return verdictOf(ctx, approvals, decided ?? state, held, again);
}

