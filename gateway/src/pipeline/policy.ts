/**
 * Asks the live bundle for `data.airlock.decision` before anything leaves (`input.phase = "request"`), and applies
 * it: deny → 403 with the reasons; hold → the call waits for its approvers (approvals/hold.ts; a 403 "requires
 * approval" when the gateway has no store to hold it in); route → the served model; redact → the redaction plan;
 * labels → the trace. The answer then meets the response phase (response-policy.ts): each tool call the model
 * returns is decided before the agent sees it. An engine error, a timeout or a malformed decision denies (fail closed) unless
 * the config says fail_open, which is logged on every use. The PII counts it sees come from the scan stage.
 */
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PolicyDecisionSchema, isEvalError, type PolicyDecision, type PolicyInput } from '@airlock/policies';
import { GatewayError } from '../errors.js';
import type { EntityType } from '../redaction/index.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import { CALLBACK_HEADER, holdCall, modeOf } from '../approvals/hold.js';
import { checkCallbackUrl } from '../approvals/webhook.js';
import type { Approvals } from '../approvals/service.js';
import { buildPolicyInput } from './policy-input.js';
import { routeFor } from './resolve.js';
import { responsePhase } from './response-policy.js';
import type { Next, Stage } from './stage.js';

export type PolicyDeps = Pick<StageDeps, 'config' | 'policy' | 'store' | 'usage' | 'log'> & { readonly approvals?: Approvals | null };

export interface Evaluation {
  readonly decision: PolicyDecision;
  readonly inputHash: string;
  readonly ms: number;
  readonly error?: string;
}

/** One evaluation of the live bundle (either phase); an engine failure is a deny unless the call may fail open. */
export function evaluate(input: PolicyInput, deps: PolicyDeps): Evaluation {
  const bundle = deps.policy!.current;
  const inputHash = hash('sha256', JSON.stringify(input), 'hex');
  const t0 = performance.now();
  try {
    const raw = bundle.engine.decide(input, { strict: true, maxSteps: deps.config.policy!.maxSteps });
    if (raw === undefined) throw new Error('data.airlock.decision is undefined');
    const parsed = PolicyDecisionSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`malformed decision: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
    return { decision: parsed.data, inputHash, ms: performance.now() - t0 };
  } catch (error) {
    const message = (error as Error).message;
    // The caller learns what failed, never where: the bundle's file and line go to the trace (policy.error) only.
    const reason = isEvalError(error) ? `${error.code}: ${error.detail}` : message;
    const failOpen = bundle.failOpen || deps.config.policy?.failOpen === true;
    const decision: PolicyDecision = failOpen
      ? { allow: true, deny: [], hold: null, redact: null, route: null, labels: { 'policy.fail_open': 'true' } }
      : { allow: false, deny: [`policy evaluation failed: ${reason}`], hold: null, redact: null, route: null, labels: {} };
    return { decision, inputHash, ms: performance.now() - t0, error: message };
  }
}

/** What a decision comes to: a denial outranks a hold, and no allow without a hold is a denial. */
export function verdictOf(decision: PolicyDecision): { kind: 'allow' | 'deny' | 'hold'; reasons: string[] } {
  const kind = decision.deny.length || (!decision.allow && !decision.hold) ? 'deny' : decision.hold ? 'hold' : 'allow';
  const reasons = kind === 'hold' ? [decision.hold!.reason] : decision.deny.length ? decision.deny : kind === 'deny' ? ['not allowed by policy'] : [];
  return { kind, reasons };
}

/**
 * The bundle asked again about a call about to run after its approval (approvals/hold.ts): the decision's kind and
 * reasons, audited, applied to nothing else.
 */
export function reevaluate(ctx: CallContext, deps: PolicyDeps): { kind: 'allow' | 'deny' | 'hold'; reasons: string[] } {
  if (!deps.policy || !ctx.principal) return { kind: 'allow', reasons: [] };
  const { decision, inputHash } = evaluate(buildPolicyInput(ctx, deps), deps);
  const { kind, reasons } = verdictOf(decision);
  deps.store?.audit.append({
    tenant: ctx.principal.tenant,
    actor: 'airlock',
    action: 'policy.reevaluated',
    subject: ctx.id,
    details: { phase: 'request', decision: kind, reasons, revision: deps.policy.current.revision, input_sha256: inputHash, approval: ctx.labels['approval.id'] ?? null },
  });
  return { kind, reasons };
}

/** Evaluates and applies the decision; throws to refuse; gives back a hold for the approval flow. */
function decide(ctx: CallContext, deps: PolicyDeps): PolicyDecision['hold'] {
  if (!deps.policy || !ctx.principal) return null;
  const input = buildPolicyInput(ctx, deps);
  ctx.policyInput = input;
  const { decision, inputHash, ms, error } = evaluate(input, deps);
  const { kind, reasons } = verdictOf(decision);
  ctx.decision = { kind, reasons, revision: deps.policy.current.revision, engineMs: ms };
  Object.assign(ctx.labels, decision.labels);
  if (error) {
    ctx.labels['policy.error'] = error.slice(0, 300);
    if (deps.policy.current.failOpen || deps.config.policy?.failOpen) deps.log.warn({ call: ctx.id, error }, 'policy engine failed; fail_open let the call through');
  }
  deps.store?.audit.append({
    tenant: ctx.principal.tenant,
    actor: ctx.principal.keyId,
    action: 'policy.decision',
    subject: ctx.id,
    details: { phase: 'request', decision: kind, reasons, revision: deps.policy.current.revision, input_sha256: inputHash, engine_ms: Number(ms.toFixed(3)) },
  });
  if (kind === 'deny') throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy: ${reasons.join('; ')}`);
  // An MCP tool call lives in its client's session and is not suspended (pipeline/suspend.ts): the session's
  // handler holds it (mcp-hold.ts). Other MCP requests are not held, only refused.
  const mcpHold = kind === 'hold' && ctx.mcp?.method === 'tools/call' && deps.approvals;
  if (kind === 'hold' && (!deps.approvals || (ctx.api === 'mcp' && !mcpHold))) {
    const h = decision.hold!;
    throw new GatewayError('GW_ERR_APPROVAL_REQUIRED', `This call requires approval: ${h.reason} (approver role: ${h.approver_role}, quorum ${h.quorum}).`);
  }
  deps.usage.request([`key:${ctx.principal.keyId}`, `team:${ctx.principal.tenant}/${ctx.principal.team}`]);
  if (decision.route && ctx.model) {
    const names = [decision.route.model, ...decision.route.fallbacks];
    const routed = routeFor(names, deps.config.models);
    if (!routed) throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy: routed to unknown model ${names.find((n) => !deps.config.models.has(n))}`);
    ctx.model = routed;
    ctx.modelNames = names;
  }
  if (decision.redact) {
    ctx.redactionPlan = {
      entities: new Set(decision.redact.entities as EntityType[]),
      mode: decision.redact.mode,
      ...(decision.redact.modes ? { modes: decision.redact.modes as Partial<Record<EntityType, typeof decision.redact.mode>> } : {}),
      tier: deps.config.redaction?.plan.tier ?? 'fast',
      output: decision.redact.output ?? deps.config.redaction?.plan.output ?? false,
      onUnsafeStream: decision.redact.on_unsafe_stream ?? deps.config.redaction?.plan.onUnsafeStream ?? 'block',
    };
  }
  if (mcpHold) {
    ctx.mcp!.hold = decision.hold;
    return null;
  }
  // A held call keeps the route and the redaction its decision chose: they apply when it runs.
  return kind === 'hold' ? decision.hold : null;
}

export function policyStage(deps: PolicyDeps): Stage {
  return {
    id: 'policy',
    run(ctx: CallContext, next: Next) {
      const hold = decide(ctx, deps);
      if (hold && deps.approvals) {
        // Held: the rest of the call (and its answer's response phase) runs once approved.
        return holdCall(ctx, hold, () => responsePhase(ctx, deps, next()), { ...deps, approvals: deps.approvals }, (c) => reevaluate(c, deps));
      }
      // A tool call the answer may hold waits for approvers by these headers: a bad one is refused before the model runs.
      if (deps.approvals && ctx.policyInput?.call.tools.length) {
        modeOf(ctx);
        checkCallbackUrl(ctx.headers[CALLBACK_HEADER], deps.approvals.config.callbackHosts);
      }
      return responsePhase(ctx, deps, next());
    },
    // A call resumed elsewhere was decided there: its answer still meets the response phase.
    resume(ctx: CallContext, next: Next) {
      if (deps.policy && ctx.principal && !ctx.policyInput) ctx.policyInput = buildPolicyInput(ctx, deps);
      return responsePhase(ctx, deps, next());
    },
  };
}
