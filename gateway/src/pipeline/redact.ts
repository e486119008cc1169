/**
 * Redacts PII before anything leaves: model-call bodies are rewritten by the redaction plan, and when placeholders
 * were used the response (buffered or streamed) gets the originals back on its way to the client. API calls through
 * /api/:system are scanned (the counts reach the policy and the trace) but forwarded unchanged.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RedactionPlan } from '../redaction/modes.js';
import { Vault, createRestoreTransform, redactBody, redactStrings, redactText, restoreBody, type ResponseTextOptions } from '../redaction/index.js';
import type { UpstreamResponse } from '../providers/provider.js';
import type { Stage } from './stage.js';

function responseFilter(format: Parameters<typeof createRestoreTransform>[0], vault: Vault, options: ResponseTextOptions) {
  return (response: UpstreamResponse): UpstreamResponse => {
    if (response.stream) {
      const restored = response.stream.pipe(createRestoreTransform(format, vault, options));
      response.stream.on('error', (e) => restored.destroy(e));
      restored.on('close', () => response.stream!.destroy());
      return { ...response, stream: restored };
    }
    if (!response.body) return response;
    try {
      const json = JSON.parse(response.body.toString('utf8')) as unknown;
      const checked = options.redactOutput ? redactStrings(json, options.redactOutput) : json;
      return { ...response, body: Buffer.from(JSON.stringify(restoreBody(checked, vault))) };
    } catch {
      return response;
    }
  };
}

type ChosenPlan = Omit<RedactionPlan, 'hashKey'>;

function buildPlan(chosen: ChosenPlan, tenant: string, scanOnly: boolean, hashSecret: string): RedactionPlan {
  const usesHash = chosen.mode === 'hash' || Object.values(chosen.modes ?? {}).includes('hash');
  return {
    ...chosen,
    ...(usesHash ? { hashKey: createHmac('sha256', hashSecret).update(tenant).digest('hex') } : {}),
    // API calls are scanned only: a CRM needs the customer's real email.
    ...(scanOnly ? { entities: new Set<never>() } : {}),
  };
}

/**
 * The config's plan is built once per tenant and kind of call, not on every call (the hash key is an HMAC).
 * A plan a policy returned is new with each decision, so it is built each time.
 */
const configPlans = new WeakMap<ChosenPlan, Map<string, RedactionPlan>>();

function configPlanFor(chosen: ChosenPlan, tenant: string, scanOnly: boolean, hashSecret: string): RedactionPlan {
  let byCall = configPlans.get(chosen);
  if (!byCall) configPlans.set(chosen, (byCall = new Map()));
  const key = `${scanOnly ? 'scan' : 'redact'}\u0000${tenant}`;
  let plan = byCall.get(key);
  if (!plan) byCall.set(key, (plan = buildPlan(chosen, tenant, scanOnly, hashSecret)));
  return plan;
}

export const redactStage: Stage = {
  id: 'redact',
  run(ctx, deps) {
    const settings = deps.config.redaction;
    const chosen = ctx.redactionPlan ?? settings?.plan;
    if (!chosen) return;
    const tenant = ctx.principal?.tenant ?? deps.config.tenant;
    const plan = (chosen === settings?.plan ? configPlanFor : buildPlan)(chosen, tenant, ctx.api === 'http', settings?.hashSecret ?? '');
    const body = ctx.api === 'http' ? ctx.rawBody : ctx.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return;
    const vault = new Vault();
    const t0 = performance.now();
    const { body: redacted, scan } = redactBody(ctx.api, body as Record<string, unknown>, plan, vault, ctx.piiFindings);
    ctx.labels['pii.scan_ms'] = (performance.now() - t0).toFixed(2);
    ctx.pii = scan.counts as Record<string, number>;
    if (scan.nonTextParts) ctx.labels['pii.non_text_parts'] = String(scan.nonTextParts);
    if (ctx.api === 'http') return;
    ctx.body = redacted;
    // Serialised for the trace only when a store will keep it.
    if (deps.store) ctx.redactedRequest = JSON.stringify(redacted);
    const options: ResponseTextOptions = plan.output
      ? {
          redactOutput: (text) => redactText(text, { ...plan, mode: plan.mode === 'placeholder' ? 'mask' : plan.mode }, vault),
          onUnsafe: plan.onUnsafeStream ?? 'block',
        }
      : {};
    if (vault.size > 0 || plan.output) ctx.responseFilters.push(responseFilter(ctx.api, vault, options));
  },
};
