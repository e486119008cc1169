/**
 * A call can stop after any stage and go on later, in this process or another: `suspend(ctx, afterStage)` turns
 * it into a record that is plain JSON (store it anywhere), and `resume(record)` runs it on from the stage after
 * `afterStage` and gives its answer. Approvals are built on this: a held call is suspended after the stage that
 * holds it and resumed once approved.
 *
 * The record holds the call as the stages before had left it: who calls, the workflow, the resolved model (by
 * name), the policy decision, the PII counts, the redaction plan, and the request as it will be sent. What must not
 * be readable where records are kept is sealed (sealed.ts, AES-256-GCM): the placeholders' originals, the headers
 * (credentials removed), the body as the client sent it, and the body itself until redaction has run. Everything
 * in the clear is bound to the sealed part, so a record that was altered does not resume.
 *
 * Resuming re-enters the stages before the resume point through their `resume` (stage.ts): they do not run again,
 * but what they do with the answer does (placeholders restored, the call recorded when it ends).
 */
import { z } from 'zod';
import { GatewayError, type ErrorShape } from '../errors.js';
import type { CallApi } from '../contracts/api.js';
import { CallSignal } from '../contracts/call-signal.js';
import { MODES, Vault } from '../redaction/modes.js';
import { ENTITY_TYPES, type EntityType } from '../redaction/types.js';
import { createCallContext, type CallContext } from './call-context.js';
import { failCall } from './call-error.js';
import type { StageDeps } from './deps.js';
import type { Pipeline } from './pipeline.js';
import { planFor } from './redact.js';
import { routeFor, unknownModel } from './resolve.js';
import type { Sealed, Sealer } from '../crypto/sealed.js';
import { isPending, type Answer } from './stage.js';

/** Never kept in a record, sealed or not: the caller's credentials are checked once, when the call comes in. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'cookie', 'proxy-authorization']);

const ChosenPlanSchema = z
  .object({
    entities: z.array(z.enum(ENTITY_TYPES)),
    mode: z.enum(MODES),
    modes: z.partialRecord(z.enum(ENTITY_TYPES), z.enum(MODES)).optional(),
    tier: z.enum(['fast', 'full']),
    regions: z.array(z.string()).optional(),
    output: z.boolean().optional(),
    on_unsafe_stream: z.enum(['block', 'pass']).optional(),
  })
  .strict();

const SuspendedCallSchema = z
  .object({
    version: z.literal(1),
    id: z.string().min(1),
    tenant: z.string(),
    /** The stage list (`model` or `api`), the stage it stopped after and the one it resumes at. */
    pipeline: z.string(),
    after: z.string(),
    resume_at: z.string(),
    suspended_at: z.string(),
    call: z
      .object({
        api: z.enum(['openai.chat', 'openai.responses', 'openai.embeddings', 'anthropic.messages', 'http']),
        shape: z.enum(['openai', 'anthropic']),
        received_at_ms: z.number(),
        stream: z.boolean(),
        requested_model: z.string(),
        /** The resolved model, or a policy's route and its fallbacks; empty before resolution and for API calls. */
        model: z.array(z.string()),
        http: z.object({ system: z.string(), method: z.string(), path: z.string() }).strict().nullable(),
        target: z.boolean(),
        principal: z.object({ key_id: z.string(), tenant: z.string(), team: z.string(), user: z.string(), roles: z.array(z.string()) }).strict().nullable(),
        workflow: z
          .object({ id: z.string(), run: z.string(), step: z.string(), trace_id: z.string().nullable(), parent_span_id: z.string().nullable() })
          .strict()
          .nullable(),
        decision: z
          .object({ kind: z.enum(['allow', 'deny', 'hold']), reasons: z.array(z.string()), revision: z.string(), engine_ms: z.number() })
          .strict()
          .nullable(),
        pii: z.record(z.string(), z.number()),
        labels: z.record(z.string(), z.string()),
        /** The plan a policy chose; null: the config's. */
        redaction_plan: ChosenPlanSchema.nullable(),
        /** The plan the redact stage applied; null: it had not run, or found nothing to rewrite. */
        redaction: ChosenPlanSchema.nullable(),
        /** The redact stage had run: `body` is what the upstream will receive. */
        redacted: z.boolean(),
        /** The request as it will be sent, once redacted; before that it is sealed. */
        body: z.record(z.string(), z.unknown()).nullable(),
      })
      .strict(),
    sealed: z.object({ iv: z.string(), data: z.string(), tag: z.string() }).strict(),
  })
  .strict();

export type SuspendedCall = z.infer<typeof SuspendedCallSchema>;

const SealedPartSchema = z
  .object({
    headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    placeholders: z.array(z.tuple([z.string(), z.string()])),
    body: z.record(z.string(), z.unknown()).nullable(),
    raw_body: z.union([z.object({ json: z.unknown() }).strict(), z.object({ base64: z.string() }).strict()]).nullable(),
  })
  .strict();

type ChosenPlan = NonNullable<CallContext['redactionPlan']>;

function planToJson(plan: ChosenPlan): z.infer<typeof ChosenPlanSchema> {
  return {
    entities: [...plan.entities],
    mode: plan.mode,
    ...(plan.modes ? { modes: plan.modes } : {}),
    tier: plan.tier,
    ...(plan.regions ? { regions: [...plan.regions] } : {}),
    ...(plan.output !== undefined ? { output: plan.output } : {}),
    ...(plan.onUnsafeStream ? { on_unsafe_stream: plan.onUnsafeStream } : {}),
  };
}

function planFromJson(json: z.infer<typeof ChosenPlanSchema>): ChosenPlan {
  return {
    entities: new Set(json.entities as EntityType[]),
    mode: json.mode,
    ...(json.modes ? { modes: json.modes } : {}),
    tier: json.tier,
    ...(json.regions ? { regions: json.regions as NonNullable<ChosenPlan['regions']> } : {}),
    ...(json.output !== undefined ? { output: json.output } : {}),
    ...(json.on_unsafe_stream ? { onUnsafeStream: json.on_unsafe_stream } : {}),
  };
}

/** Key-sorted JSON: what the seal binds must not depend on the order a store gives keys back in. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function rawBodyOf(body: unknown): z.infer<typeof SealedPartSchema>['raw_body'] {
  if (body === undefined || body === null) return null;
  return Buffer.isBuffer(body) ? { base64: body.toString('base64') } : { json: body };
}

/**
 * The call, stopped after `afterStage` (a stage it has run; usually the one calling this), as a record that
 * resumes at the stage after it. The call itself goes on to answer whatever the suspending stage answers.
 */
export function suspend(ctx: CallContext, afterStage: string): SuspendedCall {
  const pipeline = ctx.pipeline;
  if (!pipeline) throw new Error('suspend: the call is not running in a pipeline');
  const after = pipeline.ids.indexOf(afterStage);
  if (after < 0 || after >= ctx.cursor) throw new Error(`suspend: the call has not run a stage \`${afterStage}\``);
  const resumeAt = pipeline.ids[after + 1];
  if (!resumeAt) throw new Error(`suspend: \`${afterStage}\` is the last stage; nothing is left to resume`);
  // An MCP request lives in its client's session (its stream, its placeholders): it waits there, never suspended.
  if (ctx.api === 'mcp' || ctx.shape === 'mcp') throw new Error('suspend: MCP requests are not suspended');
  const api: Exclude<CallApi, 'mcp'> = ctx.api;
  const shape: 'openai' | 'anthropic' = ctx.shape;
  const p = ctx.principal;
  const w = ctx.workflow;
  const d = ctx.decision;
  const redacted = ctx.redaction !== null || ctx.redactedRequest !== null;
  const parsedBody = ctx.api !== 'http' && ctx.requestedModel !== '';
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(ctx.headers)) if (value !== undefined && !CREDENTIAL_HEADERS.has(name)) headers[name] = value;
  const open: Omit<SuspendedCall, 'sealed'> = {
    version: 1,
    id: ctx.id,
    tenant: p?.tenant ?? '',
    pipeline: pipeline.name,
    after: afterStage,
    resume_at: resumeAt,
    suspended_at: new Date().toISOString(),
    call: {
      api,
      shape,
      received_at_ms: ctx.receivedAtMs,
      stream: ctx.stream,
      requested_model: ctx.requestedModel,
      model: ctx.modelNames.length ? [...ctx.modelNames] : ctx.model ? [ctx.model.name] : [],
      http: ctx.http ? { ...ctx.http } : null,
      target: ctx.target !== null,
      principal: p ? { key_id: p.keyId, tenant: p.tenant, team: p.team, user: p.user, roles: [...p.roles] } : null,
      workflow: w ? { id: w.id, run: w.run, step: w.step, trace_id: w.traceId, parent_span_id: w.parentSpanId } : null,
      decision: d ? { kind: d.kind, reasons: [...d.reasons], revision: d.revision, engine_ms: d.engineMs } : null,
      pii: { ...ctx.pii },
      labels: { ...ctx.labels, 'call.suspended_after': afterStage },
      redaction_plan: ctx.redactionPlan ? planToJson(ctx.redactionPlan) : null,
      redaction: ctx.redaction ? planToJson(ctx.redaction.plan) : null,
      redacted,
      body: parsedBody && redacted ? ctx.body : null,
    },
  };
  const secret: z.infer<typeof SealedPartSchema> = {
    headers,
    placeholders: ctx.redaction?.vault.entries() ?? [],
    body: parsedBody && !redacted ? ctx.body : null,
    // The body as sent is needed only by stages that have not run: validation, and forwarding an API call.
    raw_body: parsedBody ? null : rawBodyOf(ctx.rawBody),
  };
  ctx.suspendedAfter = afterStage;
  ctx.labels['call.suspended_after'] = afterStage;
  return { ...open, sealed: pipeline.sealer.seal(JSON.stringify(secret), canonical(open)) };
}

function unreadable(why: string): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', `Not a suspended call that can resume: ${why}`);
}

/** Resumes suspended calls on this gateway's stage lists; any process sharing the encryption key can. */
export class Resumer {
  constructor(
    private readonly pipelines: ReadonlyMap<string, Pipeline>,
    private readonly deps: Pick<StageDeps, 'config'>,
  ) {}

  /**
   * Runs the call on from where it stopped and gives its answer. The call ends (and is recorded) once the answer
   * has been consumed: a buffered one at once, a stream when it has been read to its end.
   */
  async resume(record: unknown, options: { signal?: CallSignal; prepare?: (ctx: CallContext) => void | Promise<void> } = {}): Promise<Answer> {
    const parsed = SuspendedCallSchema.safeParse(record);
    if (!parsed.success) throw unreadable(`\`${parsed.error.issues[0]!.path.join('.')}\`: ${parsed.error.issues[0]!.message}`);
    const { sealed, ...open } = parsed.data;
    const pipeline = this.pipelines.get(open.pipeline);
    if (!pipeline) throw unreadable(`no stage list \`${open.pipeline}\``);
    const at = pipeline.ids.indexOf(open.resume_at);
    if (at < 0) throw unreadable(`no stage \`${open.resume_at}\` in the ${open.pipeline} stage list`);
    let secret: z.infer<typeof SealedPartSchema>;
    try {
      secret = SealedPartSchema.parse(JSON.parse(pipeline.sealer.open(sealed as Sealed, canonical(open))));
    } catch {
      throw unreadable('it does not verify (altered, or sealed under another encryption key)');
    }
    const ctx = this.#context(open, secret, options.signal ?? new CallSignal());
    let answer;
    try {
      // What the resuming side must do before the call goes on (an approval's edit and re-evaluation).
      await options.prepare?.(ctx);
      answer = pipeline.enter(ctx, 0, at);
      if (isPending(answer)) answer = await answer;
    } catch (error) {
      const ge = failCall(ctx, error);
      pipeline.end(ctx);
      throw ge;
    }
    pipeline.settled(ctx);
    ctx.response = answer;
    void answer.outcome.then(
      (outcome) => {
        ctx.outcome = outcome;
      },
      (error: unknown) => void failCall(ctx, error),
    ).then(() => pipeline.end(ctx));
    return answer;
  }

  #context(open: Omit<SuspendedCall, 'sealed'>, secret: z.infer<typeof SealedPartSchema>, signal: CallSignal): CallContext {
    const c = open.call;
    const raw = secret.raw_body;
    const ctx = createCallContext({
      id: open.id,
      api: c.api as CallApi,
      shape: c.shape as ErrorShape,
      headers: secret.headers,
      signal,
      rawBody: raw === null ? undefined : 'base64' in raw ? Buffer.from(raw.base64, 'base64') : raw.json,
      http: c.http,
      receivedAtMs: c.received_at_ms,
    });
    const config = this.deps.config;
    ctx.stream = c.stream;
    ctx.requestedModel = c.requested_model;
    ctx.body = c.body ?? secret.body ?? {};
    if (c.model.length) {
      ctx.model = routeFor(c.model, config.models);
      if (!ctx.model) throw unknownModel(c.model.find((n) => !config.models.has(n)) ?? c.model[0]!);
      if (c.model.length > 1) ctx.modelNames = c.model;
    }
    if (c.target && c.http) {
      const system = config.systems.get(c.http.system);
      if (!system) throw new GatewayError('GW_ERR_NOT_FOUND', `Unknown system \`${c.http.system}\`.`);
      ctx.target = { system, method: c.http.method, path: c.http.path };
    }
    const p = c.principal;
    ctx.principal = p ? { keyId: p.key_id, tenant: p.tenant, team: p.team, user: p.user, roles: p.roles } : null;
    const w = c.workflow;
    ctx.workflow = w ? { id: w.id, run: w.run, step: w.step, traceId: w.trace_id, parentSpanId: w.parent_span_id } : null;
    const d = c.decision;
    ctx.decision = d ? { kind: d.kind, reasons: d.reasons, revision: d.revision, engineMs: d.engine_ms } : null;
    ctx.pii = c.pii;
    Object.assign(ctx.labels, c.labels);
    ctx.redactionPlan = c.redaction_plan ? planFromJson(c.redaction_plan) : null;
    if (c.redaction) ctx.redaction = { plan: planFor(ctx, this.deps, planFromJson(c.redaction)), vault: Vault.from(secret.placeholders) };
    // The trace keeps the request as sent, as it would have without the pause.
    if (c.redacted) ctx.redactedRequest = JSON.stringify(ctx.body);
    ctx.suspendedAfter = open.after;
    return ctx;
  }
}
