/**
 * Asks the live bundle for `data.airlock.decision` before anything leaves, and applies it: deny → 403 with the
 * reasons; hold → 403 "requires approval" (until the approvals flow lands); route → the served model; redact → the
 * redaction plan; labels → the trace. An engine error, a timeout or a malformed decision denies (fail closed) unless
 * the config says fail_open, which is logged on every use.
 */
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PolicyDecisionSchema, type PolicyDecision } from '@airlock/policies';
import type { ModelRoute } from '../config/load.js';
import { GatewayError } from '../errors.js';
import { Vault, redactBody, type EntityType } from '../redaction/index.js';
import { buildPolicyInput } from '../policy/policy-input.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import type { Stage } from './stage.js';

function scanPii(ctx: CallContext, deps: StageDeps): Record<string, number> {
  const body = ctx.api === 'http' ? ctx.rawBody : ctx.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const tier = deps.config.redaction?.plan.tier ?? 'fast';
  const { scan } = redactBody(ctx.api, body as Record<string, unknown>, { entities: new Set(), mode: 'mask', tier }, new Vault(), ctx.piiFindings);
  return scan.counts as Record<string, number>;
}

function evaluate(ctx: CallContext, deps: StageDeps): { decision: PolicyDecision; inputHash: string; ms: number; error?: string } {
  const bundle = deps.policy!.current;
  const pii = scanPii(ctx, deps);
  ctx.pii = pii;
  const input = buildPolicyInput(ctx, deps, pii);
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
    const failOpen = bundle.failOpen || deps.config.policy?.failOpen === true;
    const decision: PolicyDecision = failOpen
      ? { allow: true, deny: [], hold: null, redact: null, route: null, labels: { 'policy.fail_open': 'true' } }
      : { allow: false, deny: [`policy evaluation failed: ${message}`], hold: null, redact: null, route: null, labels: {} };
    return { decision, inputHash, ms: performance.now() - t0, error: message };
  }
}

/** The model a decision routes to, its fallback models' deployments tried after its own, in order. */
function routedModel(route: { model: string; fallbacks: string[] }, deps: StageDeps): ModelRoute {
  const models = [route.model, ...route.fallbacks].map((name) => {
    const m = deps.config.models.get(name);
    if (!m) throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy: routed to unknown model ${name}`);
    return m;
  });
  const [first] = models;
  if (models.length === 1) return first!;
  return {
    ...first!,
    deployments: models.flatMap((m) => m.deployments),
    routing: { ...first!.routing, strategy: 'fallback', retry: { ...first!.routing.retry, maxAttempts: Math.max(first!.routing.retry.maxAttempts, models.length) } },
  };
}

export const policyStage: Stage = {
  id: 'policy',
  run(ctx, deps) {
    if (!deps.policy || !ctx.principal) return;
    const { decision, inputHash, ms, error } = evaluate(ctx, deps);
    const kind = decision.deny.length || (!decision.allow && !decision.hold) ? 'deny' : decision.hold ? 'hold' : 'allow';
    const reasons = kind === 'hold' ? [decision.hold!.reason] : decision.deny.length ? decision.deny : kind === 'deny' ? ['not allowed by policy'] : [];
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
      details: { decision: kind, reasons, revision: deps.policy.current.revision, input_sha256: inputHash, engine_ms: Number(ms.toFixed(3)) },
    });
    if (kind === 'deny') throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy: ${reasons.join('; ')}`);
    if (kind === 'hold') {
      const h = decision.hold!;
      throw new GatewayError('GW_ERR_APPROVAL_REQUIRED', `This call requires approval: ${h.reason} (approver role: ${h.approver_role}, quorum ${h.quorum}).`);
    }
    deps.usage.request([`key:${ctx.principal.keyId}`, `team:${ctx.principal.tenant}/${ctx.principal.team}`]);
    if (decision.route && ctx.api !== 'http') ctx.model = routedModel(decision.route, deps);
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
  },
};
