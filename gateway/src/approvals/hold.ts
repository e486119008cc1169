/**
 * A request held before it goes out: the policy stage hands a `hold` decision here. The call is suspended
 * (pipeline/suspend.ts: its request sealed, AES-256-GCM), stored as an approval, and then, by
 * `x-airlock-approval-mode`:
 *
 * - `wait` (default): the connection is held until the approval is decided (at most `approvals.max_wait_ms`). On
 *   approval this process claims the call and runs it on from the stage after policy, so the caller gets its
 *   answer as if there had been no pause (streamed when it asked for a stream); on rejection a 403 in the caller's
 *   shape with the approver's reason; on expiry or at the wait limit a 408 naming the approval. A streaming caller
 *   held longer than `approvals.keepalive_ms` gets its headers and SSE comments as keep-alives; what follows them is
 *   the answer's events, or an error event.
 * - `async`: a 202 with `{approval_id, status_url}` at once; the call runs when approved, on whichever replica
 *   claims it, and its result waits at `GET /v1/approvals/:id` (and goes to `x-airlock-callback-url`).
 *
 * A caller that lost its connection sends the same request again with `x-airlock-approval-id`: it is attached to
 * that approval (never a second one) and gets the result.
 */
import { hash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Hold } from '@airlock/policies';
import { ENTITY_TYPES, Vault, redactStrings, redactText, type EntityType } from '../redaction/index.js';
import { GatewayError } from '../errors.js';
import type { CallContext } from '../pipeline/call-context.js';
import { failCall } from '../pipeline/call-error.js';
import type { StageDeps } from '../pipeline/deps.js';
import { isPending, type Answer, type Next } from '../pipeline/stage.js';
import { canonical, suspend } from '../pipeline/suspend.js';
import type { ApprovalResult, Approvals } from './service.js';
import { FINAL_STATUSES, type ApprovalState } from './state.js';
import { checkCallbackUrl } from './webhook.js';

export const APPROVAL_MODE_HEADER = 'x-airlock-approval-mode';
export const APPROVAL_ID_HEADER = 'x-airlock-approval-id';
export const CALLBACK_HEADER = 'x-airlock-callback-url';

/** The stage a request-phase hold suspends after: the call resumes at the stage after it. */
const HELD_AFTER = 'policy';

export type HoldDeps = Pick<StageDeps, 'config' | 'policy' | 'usage' | 'log'> & { readonly approvals: Approvals };

/** A re-evaluation of the bundle on the call as it will run: what the policy stage exports for it. */
export type Reevaluate = (ctx: CallContext) => { kind: 'allow' | 'deny' | 'hold'; reasons: readonly string[] };

/** An API call's JSON object body: its arguments, the part an approver may edit. Null for anything else. */
function argumentsOf(ctx: CallContext): Record<string, unknown> | null {
  if (ctx.api !== 'http') return null;
  let v: unknown = ctx.rawBody;
  if (Buffer.isBuffer(v)) {
    try {
      v = JSON.parse(v.toString('utf8'));
    } catch {
      return null;
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** SHA-256 of the request as normalised: key-sorted JSON of what would go out, never the headers. */
export function requestHash(ctx: CallContext, args?: Record<string, unknown> | null): string {
  const what =
    ctx.api === 'http'
      ? { api: 'http', method: ctx.http?.method, system: ctx.http?.system, path: ctx.http?.path, body: args ?? argumentsOf(ctx) ?? (Buffer.isBuffer(ctx.rawBody) ? ctx.rawBody.toString('base64') : null) }
      : { api: ctx.api, model: ctx.requestedModel, body: ctx.body };
  return hash('sha256', canonical(what), 'hex');
}

/** Hash of an API call with its arguments replaced (an approver's edit). */
export function editedHash(http: { method: string; system: string; path: string }, args: Record<string, unknown>): string {
  return hash('sha256', canonical({ api: 'http', method: http.method, system: http.system, path: http.path, body: args }), 'hex');
}

/** Masks every string of what an approver is shown, whatever the call's redaction config says. */
export function approverMask(ctx: CallContext, deps: Pick<StageDeps, 'config'>): (v: unknown) => unknown {
  const plan = { entities: new Set<EntityType>(ENTITY_TYPES), mode: 'mask' as const, tier: deps.config.redaction?.plan.tier ?? ('fast' as const) };
  return (v) => redactStrings(v, (t) => redactText(t, plan, new Vault(), ctx.piiFindings));
}

/** The held call as an approver may see it: every string PII-masked. */
function viewOf(ctx: CallContext, deps: HoldDeps): Record<string, unknown> {
  const mask = approverMask(ctx, deps);
  if (ctx.api === 'http') {
    const args = argumentsOf(ctx);
    const raw = Buffer.isBuffer(ctx.rawBody) ? ctx.rawBody.toString('utf8') : typeof ctx.rawBody === 'string' ? ctx.rawBody : '';
    return { method: ctx.http?.method, system: ctx.http?.system, path: mask(ctx.http?.path), body: args ? mask(args) : mask(raw.slice(0, 64 * 1024)) };
  }
  return { api: ctx.api, model: ctx.requestedModel, stream: ctx.stream, request: mask(ctx.body) };
}

export function header(ctx: CallContext, name: string): string | undefined {
  const v = ctx.headers[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: send one \`${name}\` header.`, { param: name });
  return v;
}

export function modeOf(ctx: CallContext): 'wait' | 'async' {
  const v = header(ctx, APPROVAL_MODE_HEADER)?.trim().toLowerCase();
  if (v === undefined || v === '' || v === 'wait') return 'wait';
  if (v === 'async') return 'async';
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`${APPROVAL_MODE_HEADER}\` is \`wait\` or \`async\`.`, { param: APPROVAL_MODE_HEADER });
}

export const approvalHeaders = (state: ApprovalState): Record<string, string> => ({ [APPROVAL_ID_HEADER]: state.id });

export function rejected(state: ApprovalState): GatewayError {
  return new GatewayError('GW_ERR_APPROVAL_REJECTED', `Rejected by an approver: ${state.decision_reason || 'no reason given'} (approval ${state.id}).`, { headers: approvalHeaders(state) });
}

export function timedOut(state: ApprovalState, why: 'expired' | 'wait'): GatewayError {
  const text = why === 'expired' ? `Approval ${state.id} expired before it was decided.` : `Approval ${state.id} is still pending; collect it with GET /v1/approvals/${state.id} or send the request again with ${APPROVAL_ID_HEADER}: ${state.id}.`;
  return new GatewayError('GW_ERR_APPROVAL_TIMEOUT', text, { headers: approvalHeaders(state) });
}

/** The answer a stored result gives: as the call answered when it ran. */
function answerOf(result: ApprovalResult, state: ApprovalState): Answer {
  return { status: result.status, headers: { ...result.headers, ...approvalHeaders(state) }, body: result.body, outcome: Promise.resolve(null) };
}

/**
 * Makes the call ready to run once approved (both in the holding process and when resumed elsewhere): the
 * approver's edit applied, the request checked against the hash the approval is bound to, and the bundle asked
 * again. A call the bundle now denies is refused; one it would hold for another reason needs a new approval.
 */
export function prepareExecution(ctx: CallContext, state: ApprovalState, reevaluate: Reevaluate | null): void {
  if (state.edited && state.arguments && ctx.api === 'http') {
    (ctx as { rawBody: unknown }).rawBody = Buffer.isBuffer(ctx.rawBody) ? Buffer.from(JSON.stringify(state.arguments)) : state.arguments;
    ctx.labels['approval.edited'] = 'true';
  }
  if (requestHash(ctx, state.edited ? state.arguments : undefined) !== state.request_sha256) {
    throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied: the request is not the one approval ${state.id} was granted for.`);
  }
  // The approval id is the idempotency key of the side effect: a system of record that sees it twice acts once.
  if (ctx.api === 'http') (ctx.headers as Record<string, string>)['idempotency-key'] = state.id;
  ctx.labels['approval.id'] = state.id;
  ctx.labels['approval.trace_id'] = state.record.trace_id;
  ctx.labels['approval.status'] = 'approved';
  if (!reevaluate) return;
  const again = reevaluate(ctx);
  if (again.kind === 'deny') throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy at execution (approval ${state.id}): ${again.reasons.join('; ')}`);
  if (again.kind === 'hold' && !again.reasons.includes(state.record.reason)) {
    throw new GatewayError('GW_ERR_POLICY_DENIED', `Denied by policy at execution (approval ${state.id}): the call now needs another approval: ${again.reasons.join('; ')}`);
  }
}

/**
 * Everything before an approved call leaves: `prepareExecution`, then the execution record (approvals.started). A
 * call is repeatable only towards a system declared to act once per idempotency key: a model provider is not.
 */
export async function beginExecution(ctx: CallContext, state: ApprovalState, claimId: string, approvals: Approvals, reevaluate: Reevaluate | null): Promise<void> {
  prepareExecution(ctx, state, reevaluate);
  await approvals.started(state, claimId, ctx.api === 'http' && ctx.target?.system.idempotencyKeys === true);
}

/** Reads an answer to its end, for the approval's stored result (the caller's answer, byte for byte). */
export async function collect(answer: Answer): Promise<ApprovalResult> {
  let body = answer.body ?? Buffer.alloc(0);
  if (answer.stream) {
    const chunks: Buffer[] = [];
    for await (const c of answer.stream as AsyncIterable<unknown>) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
    body = Buffer.concat(chunks);
  }
  await answer.outcome.catch(() => undefined);
  return { status: answer.status ?? 200, headers: { ...answer.headers }, body };
}

/** Passes the answer on to the caller and records it as the approval's result once it has been read to the end. */
function recorded(answer: Answer, state: ApprovalState, claimId: string, approvals: Approvals, stop: () => void): Answer {
  const status = answer.status ?? 200;
  const headers = { ...answer.headers };
  if (!answer.stream) {
    stop();
    void approvals.finish(state, claimId, { result: { status, headers, body: answer.body ?? Buffer.alloc(0) } });
    return { ...answer, headers: { ...answer.headers, ...approvalHeaders(state) } };
  }
  const source = answer.stream;
  async function* tee(): AsyncGenerator<Buffer> {
    const chunks: Buffer[] = [];
    let complete = false;
    try {
      for await (const c of source as AsyncIterable<unknown>) {
        const b = typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array);
        chunks.push(b);
        yield b;
      }
      complete = true;
    } finally {
      stop();
      void approvals.finish(
        state,
        claimId,
        complete ? { result: { status, headers, body: Buffer.concat(chunks) } } : { error: { code: 'client_abort', message: 'the caller went away while the approved call streamed', status: 499 } },
      );
    }
  }
  return { ...answer, headers: { ...answer.headers, ...approvalHeaders(state) }, stream: Readable.from(tee()) };
}

/**
 * What the policy stage answers for a hold. `next` runs the rest of the call (redact, route / forward) once it is
 * approved and this process has claimed it.
 */
export function holdCall(ctx: CallContext, hold: Hold & { editable?: boolean }, next: Next, deps: HoldDeps, reevaluate: Reevaluate): Promise<Answer> {
  // Where the rest of the call starts: a keep-alive answer settles the pipeline before the call goes on.
  const cursor = ctx.cursor;
  const resume: Next = () => {
    ctx.cursor = cursor;
    return next();
  };
  return (async () => {
    const approvals = deps.approvals;
    const mode = modeOf(ctx);
    const attach = header(ctx, APPROVAL_ID_HEADER);
    let state: ApprovalState;
    if (attach !== undefined) {
      const found = await approvals.get(attach, ctx.principal!.tenant);
      if (!found || found.record.requester.key_id !== ctx.principal!.keyId || found.record.kind !== 'call') throw new GatewayError('GW_ERR_NOT_FOUND', `No approval ${attach} for this key.`);
      if (found.record.request_sha256 !== requestHash(ctx)) throw new GatewayError('GW_ERR_CONFLICT', `Approval ${attach} was asked for a different request; send that request, or none of ${APPROVAL_ID_HEADER}.`);
      state = found;
    } else {
      const callbackUrl = checkCallbackUrl(ctx.headers[CALLBACK_HEADER], approvals.config.callbackHosts);
      const p = ctx.principal!;
      const traceId = traceIdFor(ctx);
      const record = suspend(ctx, HELD_AFTER);
      state = await approvals.create(
        {
          ...heldBy(ctx, hold),
          trace_id: traceId,
          kind: 'call',
          api: ctx.api,
          shape: record.call.shape,
          stream: ctx.stream,
          mode,
          editable: hold.editable === true && argumentsOf(ctx) !== null,
          policy_revision: ctx.decision?.revision ?? '',
          request_sha256: requestHash(ctx),
          view: viewOf(ctx, deps),
          arguments: argumentsOf(ctx),
          callback_url: callbackUrl,
          payload: record,
        },
        `${p.user} (${p.keyId})`,
      );
    }
    ctx.labels['approval.id'] = state.id;
    ctx.labels['approval.status'] = state.status;
    if (mode === 'async') {
      const body = { approval_id: state.id, status: state.status, status_url: `/v1/approvals/${state.id}`, expires_at: new Date(state.expires_at_ms).toISOString() };
      return { status: 202, headers: { 'content-type': 'application/json', ...approvalHeaders(state) }, body: Buffer.from(JSON.stringify(body)), outcome: Promise.resolve(null) };
    }
    return waitFor(ctx, state, resume, deps, reevaluate);
  })();
}

/** What every approval record takes from its call and its hold: who asks, in which workflow, and the hold's terms. */
export function heldBy(ctx: CallContext, hold: Hold) {
  const p = ctx.principal!;
  const w = ctx.workflow;
  return {
    tenant: p.tenant,
    call_id: ctx.id,
    requester: { key_id: p.keyId, team: p.team, user: p.user },
    workflow: w ? { id: w.id, run: w.run, step: w.step } : null,
    reason: hold.reason,
    approver_role: hold.approver_role,
    quorum: hold.quorum,
    expires_in_s: hold.expires_in_s,
  };
}

/** The trace an approval's spans go to: the call's own (the record stage writes the call under the same id). */
export function traceIdFor(ctx: CallContext): string {
  const id = ctx.workflow?.traceId ?? ctx.labels['approval.trace_id'] ?? hash('sha256', `${Date.now()}:${Math.random()}`, 'hex').slice(0, 32);
  ctx.labels['approval.trace_id'] = id;
  return id;
}

/** Wait mode: the connection stays until the approval ends, then the call's answer (or the refusal) is the response. */
async function waitFor(ctx: CallContext, state: ApprovalState, next: Next, deps: HoldDeps, reevaluate: Reevaluate): Promise<Answer> {
  const { approvals } = deps;
  const deadline = Date.now() + Math.min(approvals.config.maxWaitMs, Math.max(0, state.expires_at_ms - Date.now()) + approvals.config.pollMs * 2);
  const decided = (): Promise<ApprovalState | null> => approvals.until(state, { timeoutMs: deadline - Date.now(), signal: ctx.signal });
  if (!ctx.stream) return proceed(ctx, await settled(state, decided), next, deps, reevaluate);

  const first = await Promise.race([decided(), sleep(approvals.config.keepaliveMs).then(() => 'keepalive' as const)]);
  if (first !== 'keepalive') return proceed(ctx, await settled(state, async () => first), next, deps, reevaluate);
  // Held longer than a proxy may let a silent connection be: the headers go now, and comments keep it open.
  let resolveOutcome!: (o: Awaited<Answer['outcome']>) => void;
  const outcome = new Promise<Awaited<Answer['outcome']>>((r) => (resolveOutcome = r));
  async function* held(): AsyncGenerator<string | Buffer> {
    yield `: airlock approval ${state.id} pending\n\n`;
    let result: ApprovalState | null | 'keepalive' = 'keepalive';
    try {
      while (result === 'keepalive') {
        const wait = decided();
        result = await Promise.race([wait, sleep(approvals.config.keepaliveMs).then(() => 'keepalive' as const)]);
        if (result === 'keepalive') yield ': keep-alive\n\n';
      }
      const answer = await proceed(ctx, await settled(state, async () => result as ApprovalState | null), next, deps, reevaluate);
      void answer.outcome.then(resolveOutcome, () => resolveOutcome(null));
      if (answer.stream) yield* answer.stream as AsyncIterable<Buffer>;
      else if (answer.body) yield answer.body;
    } finally {
      resolveOutcome(null);
    }
  }
  ctx.labels['approval.keepalive'] = 'true';
  return { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...approvalHeaders(state) }, stream: Readable.from(held()), outcome };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** The approval once decided, or a 408 when the wait ran out first. */
async function settled(state: ApprovalState, decided: () => Promise<ApprovalState | null>): Promise<ApprovalState> {
  const s = await decided();
  if (s) return s;
  throw timedOut(state, Date.now() >= state.expires_at_ms ? 'expired' : 'wait');
}

/** The approval once the replica that claimed it has recorded its outcome; a 408 when that takes more than two leases. */
export async function outcomeElsewhere(approvals: Approvals, state: ApprovalState, signal: { readonly aborted: boolean }): Promise<ApprovalState> {
  const until = Date.now() + approvals.config.leaseMs * 2;
  for (;;) {
    const now = await approvals.get(state.id, state.tenant);
    if (now && FINAL_STATUSES.has(now.status)) return now;
    if (Date.now() > until || signal.aborted) throw timedOut(state, 'wait');
    await sleep(approvals.config.pollMs);
  }
}

/** Runs the approved call here if this process wins the claim; otherwise answers with the result of whoever ran it. */
async function proceed(ctx: CallContext, state: ApprovalState, next: Next, deps: HoldDeps, reevaluate: Reevaluate): Promise<Answer> {
  const { approvals } = deps;
  ctx.labels['approval.status'] = state.status;
  if (state.status === 'rejected') throw rejected(state);
  if (state.status === 'expired') throw timedOut(state, 'expired');
  if (state.status === 'failed') {
    const e = state.outcome?.data ?? {};
    if (e.code === 'GW_ERR_APPROVAL_INTERRUPTED') throw new GatewayError('GW_ERR_APPROVAL_INTERRUPTED', String(e.message), { headers: approvalHeaders(state) });
    throw new GatewayError('GW_ERR_POLICY_DENIED', `The approved call was not run: ${String(e.message ?? 'it failed')} (approval ${state.id}).`, { headers: approvalHeaders(state) });
  }
  if (state.status === 'executed') return answerOf(approvals.result(state)!, state);
  const claimId = await approvals.claim(state);
  // Another replica runs it: its result is the answer.
  if (!claimId) return proceed(ctx, await outcomeElsewhere(approvals, state, ctx.signal), next, deps, reevaluate);
  const stop = approvals.renewing(state, claimId);
  try {
    await beginExecution(ctx, state, claimId, approvals, reevaluate);
    let answer = next();
    if (isPending(answer)) answer = await answer;
    return recorded(answer, state, claimId, approvals, stop);
  } catch (error) {
    stop();
    const ge = failCall(ctx, error);
    await approvals.finish(state, claimId, { error: { code: ge.code, message: ge.message, status: ge.status } });
    throw ge;
  }
}
