/**
 * Finds the PII in what the call will send, before policy: the policy reads the counts (`input.call.pii`), the
 * redact stage reuses the findings (`ctx.piiFindings`) instead of detecting again, and the trace records the counts.
 * The walk over the body is the redaction module's (redactBody with a plan that redacts nothing), so what is scanned
 * and what is redacted are the same strings.
 */
import { Vault, redactBody, type RedactionPlan } from '../redaction/index.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import type { Next, Stage } from './stage.js';

/** Never written to: a plan without entities replaces nothing. */
const UNUSED_VAULT = new Vault();

/** Model calls scan their validated body; API calls the body as the client sent it. */
export function scanStage(deps: Pick<StageDeps, 'config' | 'policy'>, source: 'body' | 'rawBody'): Stage {
  const plan: RedactionPlan = { entities: new Set(), mode: 'mask', tier: deps.config.redaction?.plan.tier ?? 'fast' };
  // Nothing reads the findings when neither redaction nor a policy is configured.
  const enabled = deps.config.redaction !== null || deps.policy !== null;
  return {
    id: 'scan',
    run(ctx: CallContext, next: Next) {
      const body = ctx[source];
      if (enabled && body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
        const { scan } = redactBody(ctx.api, body as Record<string, unknown>, plan, UNUSED_VAULT, ctx.piiFindings);
        ctx.pii = scan.counts as Record<string, number>;
        if (scan.nonTextParts) ctx.labels['pii.non_text_parts'] = String(scan.nonTextParts);
      }
      return next();
    },
  };
}
