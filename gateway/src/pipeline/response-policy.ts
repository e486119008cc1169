/**
 * The response phase: the risky action of a model call is the tool call the model returns (the agent runs it once
 * it reads the answer), so each one is decided by the same bundle before the agent sees it, with
 * `input.phase = "response"` and `input.call.tool_calls` holding that one call (the request phase's input
 * otherwise, usage figures included, so a limit the request just reached does not refuse its own answer).
 *
 * A buffered answer is held whole until its tool calls are decided; a streamed one lets text flow while each tool
 * call is held until complete and decided (tool-call-stream.ts). A denied call never reaches the agent: the
 * answer goes on without it and with a text saying why, or fails in the caller's shape (`policy.refused_tool_calls`).
 * A held call goes to its approvers (approvals/answer-hold.ts) and reaches the agent only once approved — with the
 * approver's arguments when they were edited; without a store to hold it in, it is refused like a denied one.
 *
 * Cheap when nothing can be decided: a request that offers no tools gets an answer without tool calls, so the
 * answer is not looked at; a buffered answer is parsed only when a tool-call marker is in its bytes, and a stream
 * is parsed only from its first tool call on.
 */
import type { PolicyInput } from '@airlock/policies';
import type { ApiFormat } from '../contracts/api.js';
import { holdToolCall } from '../approvals/answer-hold.js';
import { GatewayError } from '../errors.js';
import { NOTICE_PREFIX, applyEdits, mayHoldToolCalls, stripAnswer, toolCallsOfAnswer, type AnswerToolCall } from './answer-tool-calls.js';
import type { CallContext } from './call-context.js';
import { evaluate, verdictOf, type PolicyDeps } from './policy.js';
import { isPending, type Answer, type StageResult } from './stage.js';
import { createToolCallGate, editedArguments, gatesToolCalls, isRefusal, type Refusal, type Verdict } from './tool-call-stream.js';

type Json = Record<string, unknown>;

/** The input of one response-phase evaluation: the request's, deciding this one tool call. */
export function responseInput(request: PolicyInput, call: AnswerToolCall): PolicyInput {
  return { ...request, phase: 'response', call: { ...request.call, tool_calls: [call] } };
}

function refusal(call: AnswerToolCall, kind: 'deny' | 'hold', reasons: readonly string[], approverRole: string | undefined): Refusal {
  const why = reasons.join('; ');
  if (kind === 'deny') {
    return {
      notice: `${NOTICE_PREFIX} The tool call "${call.name}" was not run: it was denied by policy (${why}).`,
      error: new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy: the model's tool call "${call.name}": ${why}`),
    };
  }
  // Without a store there is nowhere to hold it: refused, and the text says what it waited for.
  return {
    notice: `${NOTICE_PREFIX} The tool call "${call.name}" was not run: it requires approval (${why}; approver role: ${approverRole}), and this gateway has no approval store.`,
    error: new GatewayError('GW_ERR_APPROVAL_REQUIRED', `The model's tool call "${call.name}" requires approval: ${why} (approver role: ${approverRole}).`),
  };
}

/**
 * The bundle asked again about a tool call an approver released (its arguments perhaps edited), audited; the
 * decision's kind and reasons.
 */
export function reevaluateToolCall(deps: PolicyDeps, call: AnswerToolCall, request: PolicyInput, approvalId: string): { kind: 'allow' | 'deny' | 'hold'; reasons: string[] } {
  if (!deps.policy) return { kind: 'allow', reasons: [] };
  const { decision, inputHash } = evaluate(responseInput(request, call), deps);
  const verdict = verdictOf(decision);
  deps.store?.audit.append({
    tenant: request.principal.tenant,
    actor: 'airlock',
    action: 'policy.reevaluated',
    subject: request.call.id,
    details: { phase: 'response', tool: call.name, tool_call_id: call.id, decision: verdict.kind, reasons: verdict.reasons, revision: deps.policy.current.revision, input_sha256: inputHash, approval: approvalId },
  });
  return verdict;
}

/** Decides one tool call of the answer; records it in the audit trail and on the call's labels. A hold waits for its approvers. */
function decideToolCall(ctx: CallContext, deps: PolicyDeps, request: PolicyInput, call: AnswerToolCall): Verdict | Promise<Verdict> {
  const { decision, inputHash, ms, error } = evaluate(responseInput(request, call), deps);
  const { kind, reasons } = verdictOf(decision);
  const revision = deps.policy!.current.revision;
  deps.store?.audit.append({
    tenant: ctx.principal!.tenant,
    actor: ctx.principal!.keyId,
    action: 'policy.decision',
    subject: ctx.id,
    details: { phase: 'response', tool: call.name, tool_call_id: call.id, decision: kind, reasons, revision, input_sha256: inputHash, engine_ms: Number(ms.toFixed(3)) },
  });
  if (error) ctx.labels['policy.error'] = error.slice(0, 300);
  if (kind === 'allow') return null;
  const label = `policy.response.${kind === 'deny' ? 'denied' : 'held'}`;
  ctx.labels[label] = ctx.labels[label] ? `${ctx.labels[label]},${call.name}` : call.name;
  if (kind === 'hold' && deps.approvals) {
    return holdToolCall(ctx, { config: deps.config, approvals: deps.approvals, revision }, request, call, decision.hold!, (c, input, id) => reevaluateToolCall(deps, c, input, id));
  }
  return refusal(call, kind, reasons, decision.hold?.approver_role);
}

/** Whole answers: every tool call decided (held ones waited for together), then the answer as it may go to the agent. */
function decideBuffered(ctx: CallContext, deps: PolicyDeps, request: PolicyInput, answer: Answer, format: ApiFormat): Answer | Promise<Answer> {
  const body = answer.body!;
  if (!mayHoldToolCalls(format, body)) return answer;
  let json: Json;
  try {
    json = JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return answer;
  }
  const located = toolCallsOfAnswer(format, json);
  if (!located.length) return answer;
  const verdicts = located.map(({ call }) => decideToolCall(ctx, deps, request, call));
  const apply = (decided: readonly Verdict[]): Answer => {
    const refused = new Set<Json>();
    const notices = new Map<number, string>();
    const edits = new Map<Json, unknown>();
    for (const [i, { group, item }] of located.entries()) {
      const verdict = decided[i]!;
      if (!verdict) continue;
      if (!isRefusal(verdict)) {
        edits.set(item, editedArguments(verdict));
        continue;
      }
      if (deps.config.policy!.refusedToolCalls === 'error') throw verdict.error;
      refused.add(item);
      const before = notices.get(group);
      notices.set(group, before ? `${before}\n\n${verdict.notice}` : verdict.notice);
    }
    if (!refused.size && !edits.size) return answer;
    applyEdits(format, edits);
    return { ...answer, body: Buffer.from(JSON.stringify(stripAnswer(format, json, refused, notices))) };
  };
  if (!verdicts.some(isPending)) return apply(verdicts as Verdict[]);
  return Promise.all(verdicts).then(apply);
}

function decideStream(ctx: CallContext, deps: PolicyDeps, request: PolicyInput, answer: Answer, format: ApiFormat): Answer {
  const source = answer.stream!;
  const keepAliveMs = deps.approvals?.config.keepaliveMs;
  const gated = source.pipe(createToolCallGate(format, (call) => decideToolCall(ctx, deps, request, call), deps.config.policy!.refusedToolCalls, keepAliveMs));
  source.on('error', (e) => gated.destroy(e));
  gated.on('close', () => source.destroy());
  return { ...answer, stream: gated };
}

function decideAnswer(ctx: CallContext, deps: PolicyDeps, request: PolicyInput, answer: Answer): StageResult {
  if ((answer.status ?? 200) !== 200) return answer;
  const format = ctx.api as ApiFormat;
  if (answer.stream) return decideStream(ctx, deps, request, answer, format);
  if (answer.body) return decideBuffered(ctx, deps, request, answer, format);
  return answer;
}

/** Wraps the answer of a call the request phase let through; passes it untouched when it cannot hold a tool call. */
export function responsePhase(ctx: CallContext, deps: PolicyDeps, answer: StageResult): StageResult {
  const request = ctx.policyInput;
  if (!request || !deps.policy || !request.call.tools.length || !gatesToolCalls(ctx.api as ApiFormat)) return answer;
  if (isPending(answer)) return answer.then((a) => decideAnswer(ctx, deps, request, a));
  return decideAnswer(ctx, deps, request, answer);
}
