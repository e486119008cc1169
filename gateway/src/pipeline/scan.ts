/**
 * Finds the PII in what the call will send or leave in the record, before policy: the policy reads the counts
 * (`input.call.pii`), the redact stage reuses the findings (`ctx.piiFindings`) instead of detecting again, and the
 * trace records the counts. Scanned: the body (every string but its API's STRUCTURAL fields; the walk is the
 * redaction module's, redactBody with a plan that redacts nothing, so what is scanned and what is redacted are the
 * same strings), the workflow headers, and for API calls the query string and a text (or top-level array) body.
 */
import { Vault, redactBody, redactText, type BodyScan, type RedactionPlan } from '../redaction/index.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import type { Next, Stage } from './stage.js';

/** Never written to: a plan without entities replaces nothing. */
const UNUSED_VAULT = new Vault();

/** Bodies of API calls read as text (JSON ones arrive parsed); others (images, archives, octet streams) are not. */
export const TEXT_BODY = /^(?:text\/|application\/(?:x-www-form-urlencoded|xml|[\w.+-]*\+(?:json|xml))\b)/i;

function count(counts: Record<string, number>, found: BodyScan['counts']): void {
  for (const [type, n] of Object.entries(found)) counts[type] = (counts[type] ?? 0) + n!;
}

/** The strings of an API call besides a JSON body: query parameters (names and values) and a text body. */
function apiStrings(ctx: CallContext, out: string[]): void {
  const path = ctx.http?.path ?? '';
  const q = path.indexOf('?');
  if (q >= 0) for (const [name, value] of new URLSearchParams(path.slice(q + 1))) out.push(name, value);
  const type = ctx.headers['content-type'];
  if (Buffer.isBuffer(ctx.rawBody) && typeof type === 'string' && TEXT_BODY.test(type)) out.push(ctx.rawBody.toString('utf8'));
  else if (typeof ctx.rawBody === 'string') out.push(ctx.rawBody);
  else if (Array.isArray(ctx.rawBody)) jsonStrings(ctx.rawBody, out);
}

/** The strings of a JSON value (a body whose top level is an array: the body walk takes objects). */
function jsonStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) jsonStrings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) jsonStrings(v, out);
}

/** Model calls scan their validated body; API calls the body as the client sent it. */
export function scanStage(deps: Pick<StageDeps, 'config' | 'policy'>, source: 'body' | 'rawBody'): Stage {
  const plan: RedactionPlan = { entities: new Set(), mode: 'mask', tier: deps.config.redaction?.plan.tier ?? 'fast' };
  // Nothing reads the findings when neither redaction nor a policy is configured.
  const enabled = deps.config.redaction !== null || deps.policy !== null;
  return {
    id: 'scan',
    run(ctx: CallContext, next: Next) {
      if (!enabled) return next();
      const counts: Record<string, number> = {};
      const body = ctx[source];
      if (body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
        const { scan } = redactBody(ctx.api, body as Record<string, unknown>, plan, UNUSED_VAULT, ctx.piiFindings);
        count(counts, scan.counts);
        if (scan.nonTextParts) ctx.labels['pii.non_text_parts'] = String(scan.nonTextParts);
      }
      const strings: string[] = [];
      const w = ctx.workflow;
      if (w) for (const s of [w.id, w.run, w.step]) if (s) strings.push(s);
      if (ctx.api === 'http') apiStrings(ctx, strings);
      for (const s of strings) for (const f of redactText(s, plan, UNUSED_VAULT, ctx.piiFindings).findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
      ctx.pii = counts;
      return next();
    },
  };
}
