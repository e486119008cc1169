/**
 * Redacts PII before anything leaves, and wraps the answer on its way back: the model-call body is rewritten by the
 * redaction plan (the findings are the scan stage's), and when placeholders were used the answer (buffered or
 * streamed) gets the originals back; with `output` on, PII the model wrote is masked. API calls through
 * /api/:system have their own redact stage (api-redact.ts); what any call leaves in its record is scrubbed here
 * (storeScrubber).
 */
import { createHmac } from 'node:crypto';
import type { Readable, Transform } from 'node:stream';
import type { ApiFormat } from '../contracts/api.js';
import type { RedactionPlan } from '../redaction/modes.js';
import { Vault, createRestoreTransform, redactBody, redactStrings, redactText, restoreBody, type ResponseTextOptions } from '../redaction/index.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import { isPending, type Answer, type Next, type Stage, type StageResult } from './stage.js';

function responseOptions(plan: RedactionPlan, vault: Vault): ResponseTextOptions {
  if (!plan.output) return {};
  return {
    redactOutput: (text) => redactText(text, { ...plan, mode: plan.mode === 'placeholder' ? 'mask' : plan.mode }, vault),
    onUnsafe: plan.onUnsafeStream ?? 'block',
  };
}

/** Placeholders to put back or output to check: the answer is rewritten on its way to the client. */
function restores(ctx: CallContext): boolean {
  const r = ctx.redaction;
  return r !== null && (r.vault.size > 0 || r.plan.output === true);
}

/**
 * The answer as the client gets it: placeholders restored, output PII masked when the plan says so. A buffered
 * answer is also kept for the trace as the upstream sent it (placeholders, never the originals).
 */
function restoreAnswer(ctx: CallContext, answer: Answer, keepUpstreamText: boolean): Answer {
  if (answer.body && keepUpstreamText) ctx.upstreamResponseText = answer.body.toString('utf8');
  if (!restores(ctx)) return answer;
  const { plan, vault } = ctx.redaction!;
  const options = responseOptions(plan, vault);
  if (answer.stream) {
    return { ...answer, stream: rewritten(answer.stream, createRestoreTransform(ctx.api as ApiFormat, vault, options)) };
  }
  if (!answer.body) return answer;
  try {
    const json = JSON.parse(answer.body.toString('utf8')) as unknown;
    const checked = options.redactOutput ? redactStrings(json, options.redactOutput) : json;
    return { ...answer, body: Buffer.from(JSON.stringify(restoreBody(checked, vault))) };
  } catch {
    return answer;
  }
}

/** An answer's stream through a rewriting transform: a failure upstream ends it, a client gone ends the upstream. */
export function rewritten(source: Readable, transform: Transform): Readable {
  const out = source.pipe(transform);
  source.on('error', (e) => out.destroy(e));
  out.on('close', () => source.destroy());
  return out;
}

type ChosenPlan = Omit<RedactionPlan, 'hashKey'>;

function buildPlan(chosen: ChosenPlan, tenant: string, hashSecret: string): RedactionPlan {
  const usesHash = chosen.mode === 'hash' || Object.values(chosen.modes ?? {}).includes('hash');
  return { ...chosen, ...(usesHash ? { hashKey: createHmac('sha256', hashSecret).update(tenant).digest('hex') } : {}) };
}

/**
 * The config's plan is built once per tenant, not on every call (the hash key is an HMAC). A plan a policy returned
 * is new with each decision, so it is built each time.
 */
const configPlans = new WeakMap<ChosenPlan, Map<string, RedactionPlan>>();

function configPlanFor(chosen: ChosenPlan, tenant: string, hashSecret: string): RedactionPlan {
  let byTenant = configPlans.get(chosen);
  if (!byTenant) configPlans.set(chosen, (byTenant = new Map()));
  let plan = byTenant.get(tenant);
  if (!plan) byTenant.set(tenant, (plan = buildPlan(chosen, tenant, hashSecret)));
  return plan;
}

/** The plan chosen for the call, built (hash key and all) for its tenant. */
export function planFor(ctx: CallContext, deps: Pick<StageDeps, 'config'>, chosen: ChosenPlan): RedactionPlan {
  const settings = deps.config.redaction;
  const tenant = ctx.principal?.tenant ?? deps.config.tenant;
  return chosen === settings?.plan ? configPlanFor(chosen, tenant, settings.hashSecret) : buildPlan(chosen, tenant, settings?.hashSecret ?? '');
}

/**
 * What goes into the record is never given back, so it needs no placeholder: PII there is hashed (keyed per tenant,
 * so equal values still group, as one workflow run's calls do), or masked when no hash secret is configured (an
 * unkeyed hash of an address can be reversed by guessing). Derived once per chosen plan.
 */
const storePlans = new WeakMap<ChosenPlan, ChosenPlan>();

/** A scrubber for the strings a call leaves in its record (trace-record.ts), or undefined when nothing is redacted. */
export function storeScrubber(ctx: CallContext, deps: Pick<StageDeps, 'config'>): ((text: string) => string) | undefined {
  const chosen = ctx.redactionPlan ?? deps.config.redaction?.plan;
  if (!chosen || chosen.entities.size === 0) return undefined;
  const settings = deps.config.redaction;
  let derived = storePlans.get(chosen);
  if (!derived) storePlans.set(chosen, (derived = { ...chosen, mode: settings?.hashSecret ? 'hash' : 'mask', modes: {}, output: false }));
  const tenant = ctx.principal?.tenant ?? deps.config.tenant;
  const plan = configPlanFor(derived, tenant, settings?.hashSecret ?? '');
  return (text) => (text ? redactText(text, plan, UNUSED_VAULT, ctx.piiFindings).text : text);
}

/** Hash mode never writes to a vault. */
const UNUSED_VAULT = new Vault();

export function anyFound(pii: Readonly<Record<string, number>>): boolean {
  for (const _ in pii) return true;
  return false;
}

/** Rewrites the body by the plan the policy chose (else the config's), with the scan stage's findings. */
function redactRequest(ctx: CallContext, deps: Pick<StageDeps, 'config' | 'store'>): void {
  const chosen = ctx.redactionPlan ?? deps.config.redaction?.plan;
  if (!chosen) return;
  // The scan found nothing: there is nothing to rewrite, and no placeholder can come back.
  if (anyFound(ctx.pii) || chosen.output) {
    const plan = planFor(ctx, deps, chosen);
    const vault = new Vault();
    ctx.body = redactBody(ctx.api, ctx.body, plan, vault, ctx.piiFindings).body;
    ctx.redaction = { plan, vault };
  }
  // Serialised for the trace only when a store will keep it: a body is stored only once redaction has run.
  if (deps.store) ctx.redactedRequest = JSON.stringify(ctx.body);
}

function wrap(ctx: CallContext, answer: StageResult, keepUpstreamText: boolean): StageResult {
  if (isPending(answer)) return answer.then((a) => restoreAnswer(ctx, a, keepUpstreamText));
  return restoreAnswer(ctx, answer, keepUpstreamText);
}

export function redactStage(deps: Pick<StageDeps, 'config' | 'store'>): Stage {
  const keepUpstreamText = deps.store !== null;
  // Re-entered for a resumed call too: what it does with the answer depends only on the context.
  const after = (ctx: CallContext, next: Next): StageResult =>
    restores(ctx) || (keepUpstreamText && ctx.redactedRequest !== null) ? wrap(ctx, next(), keepUpstreamText) : next();
  return {
    id: 'redact',
    run(ctx: CallContext, next: Next) {
      redactRequest(ctx, deps);
      return after(ctx, next);
    },
    resume: after,
  };
}
