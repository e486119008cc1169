/**
 * The approval service: the event log's writer and reader, the watcher that tells waiting calls what was decided
 * on any replica, and the executor that runs an approved call exactly once. See README.md beside this file for the
 * module API other holders (a model's answer, an MCP tool call) use, and the repository README for the design.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApprovalEventRow, ApprovalListQuery, NewApprovalEvent, TraceStore } from '@airlock/clickhouse';
import { chTimeMicros } from '@airlock/clickhouse';
import type { ApprovalsConfig } from '../config/load.js';
import type { Principal } from '../auth/principal.js';
import { actorOf } from '../auth/access.js';
import type { Sealer, Sealed } from '../crypto/sealed.js';
import { GatewayError } from '../errors.js';
import { foldAll, foldApproval, serverMs, FINAL_STATUSES, type ApprovalRecord, type ApprovalState } from './state.js';
import { deliverSigned } from './webhook.js';

/** What an executor gives back: the answer as the caller would have received it. */
export interface ApprovalResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * Runs an approved action nobody is waiting for in this process (an async call, a call whose waiter went away, one
 * reloaded after a restart). `claimId` is the idempotency key's companion: the approval id is the key itself.
 */
export type Executor = (state: ApprovalState, claimId: string) => Promise<ApprovalResult>;

export interface ApprovalsDeps {
  readonly store: TraceStore;
  readonly sealer: Sealer;
  readonly config: ApprovalsConfig;
  readonly log: { warn(details: object, message: string): void; info?(details: object, message: string): void };
}

export type NewApproval = Omit<ApprovalRecord, 'payload'> & { readonly tenant: string; readonly payload: unknown };

/** The live feed of one tenant's approval changes (GET /admin/approvals/stream). */
export type ApprovalListener = (event: { kind: string; state: ApprovalState }) => void;

const RESULT_LIMIT = 8 * 1024 * 1024;

export const approvalId = (): string => `apr_${randomUUID().replaceAll('-', '')}`;

export class Approvals {
  /** Names this process in the events it writes: a claim by a process that is gone is one nobody renews. */
  readonly node = `gw_${randomBytes(6).toString('hex')}`;
  readonly #deps: ApprovalsDeps;
  /** Approvals this process watches, by id → tenant. */
  readonly #watched = new Map<string, string>();
  /** Callers waiting in this process, by approval id. */
  readonly #waiters = new Map<string, Set<(state: ApprovalState) => void>>();
  /** The last state seen, to tell listeners only of changes. */
  readonly #seen = new Map<string, string>();
  readonly #executors = new Map<string, Executor>();
  readonly #executing = new Set<string>();
  /** Callbacks sent or being sent by this process: the state a poll folds may not show `delivered` yet. */
  readonly #delivering = new Set<string>();
  readonly #listeners = new Map<string, Set<ApprovalListener>>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;
  /** Serialises appends and reads per approval within this process (the embedded store has one process). */
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(deps: ApprovalsDeps) {
    this.#deps = deps;
  }

  get config(): ApprovalsConfig {
    return this.#deps.config;
  }

  /** Who runs approved actions of `kind` when no caller waits for them here. */
  register(kind: string, executor: Executor): void {
    this.#executors.set(kind, executor);
  }

  /** Reloads every open approval of the store and starts watching the log. */
  async start(): Promise<void> {
    await this.poll();
    this.#schedule();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#polling;
  }

  /** Seals what only the gateway may read back (a result that may hold PII). */
  seal(plain: string, id: string): Sealed {
    return this.#deps.sealer.seal(plain, `approval:${id}`);
  }

  open(sealed: Sealed, id: string): string {
    return this.#deps.sealer.open(sealed, `approval:${id}`);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The event log

  async #append(tenant: string, id: string, kind: string, actor: string, data: Record<string, unknown>, options: { durable?: boolean } = {}): Promise<void> {
    const event: NewApprovalEvent = { tenant, approval_id: id, event_id: `${kind}_${randomUUID().replaceAll('-', '')}`, kind, actor, node: this.node, data: JSON.stringify(data) };
    try {
      await this.#deps.store.approvals.append([event]);
    } catch (error) {
      // An outcome has happened whether ClickHouse heard of it or not: the write-ahead file keeps it until it does.
      if (!options.durable) throw new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', `The approval store is unavailable: ${(error as Error).message}`, { cause: error });
      this.#deps.store.writer.enqueue('approval_events', event);
    }
    const { payload: _payload, ...details } = data;
    this.#deps.store.audit.append({ tenant, actor, action: `approval.${kind}`, subject: id, details: redactedDetails(kind, details) });
  }

  async #read(id: string, tenant?: string): Promise<ApprovalState | null> {
    return foldApproval(await this.#deps.store.approvals.events([id], tenant), Date.now());
  }

  async #locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(id) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(id) === tail) this.#locks.delete(id);
    }
  }

  /** Waits out the settle window, so that a row another replica wrote just before ours is visible when we read. */
  #settle(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.#deps.config.settleMs));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The module API

  /** Stores a new approval (durably, before the caller hears of it) and starts watching it; `id` when its payload is sealed to it. */
  async create(input: NewApproval, actor: string, id = approvalId()): Promise<ApprovalState> {
    const { tenant, ...record } = input;
    await this.#append(tenant, id, 'requested', actor, record as unknown as Record<string, unknown>);
    const state = await this.#read(id, tenant);
    if (!state) throw new GatewayError('GW_ERR_INTERNAL', `approval ${id} was written but cannot be read back`);
    this.#watched.set(id, tenant);
    this.#span(state, 'approval.requested', serverMs(state.requested_at), 0, { 'airlock.approval.reason': record.reason });
    this.#changed('requested', state);
    this.#notifyApprovers(state, 'requested');
    this.#schedule();
    return state;
  }

  /** The approval as it is now; null when this tenant has none of that id. */
  get(id: string, tenant: string): Promise<ApprovalState | null> {
    return this.#read(id, tenant);
  }

  /** One tenant's approvals, newest first (the queue), with their state now. */
  async list(tenant: string, q: ApprovalListQuery): Promise<ApprovalState[]> {
    const requested = await this.#deps.store.approvals.requested(tenant, q);
    const states = foldAll(await this.#deps.store.approvals.events(requested.map((r) => r.approval_id), tenant), Date.now());
    return requested.map((r) => states.get(r.approval_id)).filter((s): s is ApprovalState => s !== undefined);
  }

  /** Starts watching an approval another process created (a reconnecting caller). */
  watch(state: ApprovalState): void {
    if (!FINAL_STATUSES.has(state.status) || !state.delivered) this.#watched.set(state.id, state.tenant);
    this.#schedule();
  }

  /**
   * Resolves with the approval once it is no longer pending (approved, or final), or null when `timeoutMs` passes
   * or `signal` fires first. Decisions taken on any replica arrive within `approvals.poll_ms`.
   */
  until(state: ApprovalState, options: { timeoutMs: number; signal?: { aborted: boolean; once(event: 'abort', fn: () => void): unknown; off(event: 'abort', fn: () => void): unknown } }): Promise<ApprovalState | null> {
    if (state.status !== 'pending') return Promise.resolve(state);
    this.watch(state);
    return new Promise((resolve) => {
      let set = this.#waiters.get(state.id);
      if (!set) this.#waiters.set(state.id, (set = new Set()));
      const done = (value: ApprovalState | null): void => {
        clearTimeout(timer);
        options.signal?.off('abort', abort);
        set!.delete(wake);
        if (!set!.size) this.#waiters.delete(state.id);
        resolve(value);
      };
      const wake = (s: ApprovalState): void => {
        if (s.status !== 'pending') done(s);
      };
      const abort = (): void => done(null);
      const timer = setTimeout(() => done(null), Math.max(0, options.timeoutMs));
      set.add(wake);
      if (options.signal?.aborted) return done(null);
      options.signal?.once('abort', abort);
    });
  }

  /** True while a caller in this process waits for the approval: it, not the watcher, runs the call. */
  #hasWaiter(id: string): boolean {
    return (this.#waiters.get(id)?.size ?? 0) > 0;
  }

  /**
   * Records a vote. Refuses (and changes nothing) when the approval is unknown in this tenant (404), the key lacks
   * the role the decision names or requested the call itself (403), the approval is no longer pending, has expired
   * or the key has voted already (409), or an edit is not allowed (403). The vote counts only if the fold, read
   * after the settle window, counts it: a vote that lost a race answers 409 too.
   */
  async vote(id: string, tenant: string, p: Principal, decision: 'approve' | 'reject', reason: string, edit?: { arguments: Record<string, unknown>; request_sha256: string }): Promise<ApprovalState> {
    return this.#locked(id, async () => {
      const state = await this.#read(id, tenant);
      if (!state) throw new GatewayError('GW_ERR_NOT_FOUND', `No approval ${id}.`);
      if (!p.roles.includes(state.record.approver_role)) {
        throw new GatewayError('GW_ERR_FORBIDDEN', `Only a key with the role \`${state.record.approver_role}\` may decide approval ${id}.`);
      }
      if (p.keyId === state.record.requester.key_id || p.user === state.record.requester.user) throw new GatewayError('GW_ERR_FORBIDDEN', `A requester never approves their own call (approval ${id}).`);
      if (state.status === 'expired' || (state.status === 'pending' && Date.now() >= state.expires_at_ms)) {
        throw new GatewayError('GW_ERR_CONFLICT', `Approval ${id} expired at ${new Date(state.expires_at_ms).toISOString()}; nothing was changed.`);
      }
      if (state.status !== 'pending') throw new GatewayError('GW_ERR_CONFLICT', `Approval ${id} is already ${state.status}; nothing was changed.`);
      if (state.votes.some((v) => v.key_id === p.keyId || v.user === p.user)) throw new GatewayError('GW_ERR_CONFLICT', `This key has already voted on approval ${id}.`);
      if (edit && !state.record.editable) throw new GatewayError('GW_ERR_FORBIDDEN', `The policy that held approval ${id} does not allow its arguments to be edited.`);
      if (edit && decision !== 'approve') throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid request: `arguments`: only an approval may edit the arguments.', { param: 'arguments' });
      const data: Record<string, unknown> = { decision, reason, key_id: p.keyId, user: p.user, roles: [...p.roles], ...(edit ? { arguments: edit.arguments, request_sha256: edit.request_sha256, previous_arguments: state.arguments } : {}) };
      await this.#append(tenant, id, 'vote', actorOf(p), data);
      await this.#settle();
      const after = await this.#read(id, tenant);
      if (!after || !after.votes.some((v) => v.key_id === p.keyId)) {
        throw new GatewayError('GW_ERR_CONFLICT', `Approval ${id} was decided or expired before this vote counted (it is ${after?.status ?? 'gone'}); nothing was changed.`);
      }
      this.#span(after, `approval.vote`, Date.now(), 0, { 'airlock.approval.decision': decision, 'airlock.approval.approver': actorOf(p), ...(edit ? { 'airlock.approval.edited': 'true' } : {}) });
      await this.#conclude(after);
      this.#changed('vote', after);
      this.#wake(after);
      return after;
    });
  }

  /** Writes the marker of a decision the fold has reached (once per approval, by whoever sees it first here). */
  async #conclude(state: ApprovalState): Promise<void> {
    const marker = state.status === 'approved' || state.status === 'executed' || state.status === 'failed' ? 'approved' : state.status === 'rejected' ? 'rejected' : state.status === 'expired' ? 'expired' : null;
    if (!marker || state.marked.has(marker)) return;
    (state.marked as Set<string>).add(marker);
    const decidedAt = state.decided_at ? serverMs(state.decided_at) : state.expires_at_ms;
    await this.#append(state.tenant, state.id, marker, 'airlock', { reason: state.decision_reason, votes: state.votes.length }).catch((e: unknown) => this.#deps.log.warn({ approval: state.id, err: e }, 'approval marker not written'));
    const requested = serverMs(state.requested_at);
    // The wait is its own span, so that a step's time waiting for a human shows apart from the model's.
    this.#span(state, 'approval.wait', requested, Math.max(0, decidedAt - requested), { 'airlock.approval.status': marker });
    if (marker !== 'approved') {
      this.#notifyApprovers(state, marker);
      await this.deliver(state);
    }
  }

  /**
   * Claims the right to run an approved call. Resolves with the claim id when this process won (it must then run
   * the call and call `finish`), null when another claim stands. Deterministic across replicas (state.ts).
   */
  async claim(state: ApprovalState): Promise<string | null> {
    return this.#locked(state.id, async () => {
      const now = await this.#read(state.id, state.tenant);
      if (!now || now.status !== 'approved' || now.interrupted) return null;
      if (now.claim && now.claim.lease_until_ms > Date.now()) return null;
      const claimId = `clm_${randomBytes(8).toString('hex')}`;
      await this.#append(state.tenant, state.id, 'claim', 'airlock', { claim_id: claimId, lease_ms: this.#deps.config.leaseMs });
      await this.#settle();
      const after = await this.#read(state.id, state.tenant);
      if (after?.status !== 'approved' || after.claim?.id !== claimId) return null;
      this.#executing.add(state.id);
      this.#span(after, 'approval.claimed', Date.now(), 0, { 'airlock.approval.node': this.node });
      return claimId;
    });
  }

  /**
   * The execution record, written (straight to ClickHouse: no record, no sending) just before the claimed call
   * leaves. From here a process that dies leaves an `interrupted` approval unless `repeatable` (the target acts
   * once per idempotency key): whether the call took effect is unknown, so it is reported, never sent twice.
   */
  async started(state: ApprovalState, claimId: string, repeatable: boolean): Promise<void> {
    await this.#append(state.tenant, state.id, 'started', 'airlock', { claim_id: claimId, repeatable });
    this.#span(state, 'approval.started', Date.now(), 0, { 'airlock.approval.node': this.node, 'airlock.approval.repeatable': String(repeatable) });
  }

  /** Keeps a claim alive while a long answer streams; returns the function that stops renewing. */
  renewing(state: ApprovalState, claimId: string): () => void {
    const timer = setInterval(() => {
      void this.#append(state.tenant, state.id, 'renew', 'airlock', { claim_id: claimId, lease_ms: this.#deps.config.leaseMs }).catch(() => undefined);
    }, Math.max(50, Math.floor(this.#deps.config.leaseMs / 3)));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Records what running the approved call gave; the result is sealed (it may hold what redaction had removed). */
  async finish(state: ApprovalState, claimId: string, outcome: { result: ApprovalResult } | { error: { code: string; message: string; status: number } }): Promise<void> {
    this.#executing.delete(state.id);
    const started = Date.now();
    if ('result' in outcome) {
      const r = outcome.result;
      const body = r.body.length > RESULT_LIMIT ? r.body.subarray(0, RESULT_LIMIT) : r.body;
      const sealed = this.seal(JSON.stringify({ status: r.status, headers: r.headers, body: body.toString('base64'), truncated: body !== r.body }), state.id);
      await this.#append(state.tenant, state.id, 'executed', 'airlock', { claim_id: claimId, status: r.status, result: sealed }, { durable: true });
    } else {
      await this.#append(state.tenant, state.id, 'failed', 'airlock', { claim_id: claimId, ...outcome.error }, { durable: true });
    }
    const after = (await this.#read(state.id, state.tenant).catch(() => null)) ?? state;
    this.#span(after, `approval.${'result' in outcome ? 'executed' : 'failed'}`, started, 0, 'result' in outcome ? { 'http.response.status_code': String(outcome.result.status) } : { 'error.type': outcome.error.code });
    this.#changed(after.status, after);
    this.#wake(after);
    await this.deliver(after);
  }

  /** The stored result of an executed approval, opened; null when it has none. */
  result(state: ApprovalState): ApprovalResult | null {
    const sealed = state.outcome?.data.result as Sealed | undefined;
    if (state.status !== 'executed' || !sealed) return null;
    const r = JSON.parse(this.open(sealed, state.id)) as { status: number; headers: Record<string, string>; body: string };
    return { status: r.status, headers: r.headers, body: Buffer.from(r.body, 'base64') };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Watching

  #schedule(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#polling = this.poll().finally(() => {
        this.#polling = undefined;
        this.#schedule();
      });
    }, this.#deps.config.pollMs);
    this.#timer.unref();
  }

  /**
   * One look at the log: what is open anywhere, what changed, who must act. Runs every `poll_ms`; exposed so tests
   * and the start-up reload can run it at once.
   */
  async poll(): Promise<void> {
    let rows: ApprovalEventRow[];
    try {
      for (const o of await this.#deps.store.approvals.open()) this.#watched.set(o.approval_id, o.tenant);
      rows = await this.#deps.store.approvals.events([...this.#watched.keys()]);
    } catch (error) {
      this.#deps.log.warn({ err: error }, 'approval log unreadable; retrying');
      return;
    }
    const now = Date.now();
    for (const [id, state] of foldAll(rows, now)) {
      const key = `${state.status}:${state.votes.length}:${state.claim?.id ?? ''}`;
      if (this.#seen.get(id) !== key) {
        const first = !this.#seen.has(id);
        this.#seen.set(id, key);
        if (!first) this.#changed(state.status, state);
      }
      this.#wake(state);
      await this.#act(state, now).catch((error: unknown) => this.#deps.log.warn({ approval: id, err: error }, 'approval step failed'));
      if (FINAL_STATUSES.has(state.status) && (state.delivered || !state.record.callback_url) && !this.#hasWaiter(id)) {
        this.#watched.delete(id);
        this.#seen.delete(id);
      }
    }
  }

  /** What this process does about an approval it sees: mark an expiry, take over an orphaned call, deliver. */
  async #act(state: ApprovalState, now: number): Promise<void> {
    const mine = state.requested_by_node === this.node;
    // Markers are the requester's process's to write; another writes them once that one has been silent a lease long.
    const orphaned = (since: number): boolean => mine || now - since > this.#deps.config.leaseMs;
    if (state.status === 'expired' && !state.marked.has('expired') && orphaned(state.expires_at_ms)) {
      await this.#conclude(state);
      return;
    }
    if ((state.status === 'rejected' || state.status === 'approved') && !state.marked.has(state.status) && orphaned(serverMs(state.decided_at!))) {
      await this.#conclude(state);
    }
    if (state.interrupted && !this.#executing.has(state.id)) {
      // Its process died with the call in flight: reported (by whichever replica sees it first), not sent again.
      this.#executing.add(state.id);
      await this.finish(state, state.claim!.id, { error: { code: 'GW_ERR_APPROVAL_INTERRUPTED', message: interruptedMessage(state), status: 409 } });
      return;
    }
    if (state.status === 'approved' && !this.#hasWaiter(state.id) && !this.#executing.has(state.id)) {
      const executor = this.#executors.get(state.record.kind);
      if (!executor) return;
      const decided = serverMs(state.decided_at!);
      // The holding process runs it (its caller may be connected to it); any other once a lease passed unclaimed.
      const free = state.claim ? state.claim.lease_until_ms < now : orphaned(decided);
      if (!free) return;
      // In the background: a long answer must not stop this process from watching the others.
      this.#executing.add(state.id);
      void this.#runClaimed(state, executor);
      return;
    }
    if (FINAL_STATUSES.has(state.status) && state.record.callback_url && !state.delivered && orphaned(state.outcome ? serverMs(state.outcome.at) : now)) await this.deliver(state);
  }

  async #runClaimed(state: ApprovalState, executor: Executor): Promise<void> {
    let claimId: string | null = null;
    try {
      claimId = await this.claim(state);
    } catch (error) {
      this.#deps.log.warn({ approval: state.id, err: error }, 'approval claim failed');
    }
    if (!claimId) {
      this.#executing.delete(state.id);
      return;
    }
    const stop = this.renewing(state, claimId);
    try {
      const result = await executor(state, claimId);
      await this.finish(state, claimId, { result });
    } catch (error) {
      const ge = error instanceof GatewayError ? error : new GatewayError('GW_ERR_INTERNAL', 'The approved call failed in the gateway.', { cause: error });
      await this.finish(state, claimId, { error: { code: ge.code, message: ge.message, status: ge.status } }).catch((e: unknown) => this.#deps.log.warn({ approval: state.id, err: e }, 'approval outcome not written'));
    } finally {
      stop();
      this.#executing.delete(state.id);
    }
  }

  #wake(state: ApprovalState): void {
    for (const w of [...(this.#waiters.get(state.id) ?? [])]) w(state);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Telling people

  /** Live changes of one tenant's approvals (the admin SSE stream); returns the unsubscribe function. */
  listen(tenant: string, listener: ApprovalListener): () => void {
    let set = this.#listeners.get(tenant);
    if (!set) this.#listeners.set(tenant, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  #changed(kind: string, state: ApprovalState): void {
    for (const l of this.#listeners.get(state.tenant) ?? []) {
      try {
        l({ kind, state });
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /** The approver group's webhook (config `approvals.notify`), told of each approval it must decide and its end. */
  #notifyApprovers(state: ApprovalState, kind: string): void {
    const hook = this.#deps.config.notify.get(state.record.approver_role);
    if (!hook) return;
    const body = JSON.stringify({ type: `approval.${kind}`, approval: publicView(state) });
    void deliverSigned(hook.url, body, hook.secret).catch((error: unknown) => this.#deps.log.warn({ approval: state.id, err: error }, 'approver webhook failed'));
  }

  /** POSTs the outcome to the caller's callback URL once (recorded as `delivered`). */
  async deliver(state: ApprovalState): Promise<void> {
    const url = state.record.callback_url;
    const secret = this.#deps.config.callbackSecret;
    if (!url || !secret || state.delivered || !FINAL_STATUSES.has(state.status) || this.#delivering.has(state.id)) return;
    this.#delivering.add(state.id);
    const result = this.result(state);
    const body = JSON.stringify({ ...publicView(state), ...(result ? { result: resultJson(result) } : {}) });
    try {
      const status = await deliverSigned(url, body, secret);
      (state as { delivered: boolean }).delivered = true;
      await this.#append(state.tenant, state.id, 'delivered', 'airlock', { url, status }, { durable: true });
      this.#span(state, 'approval.delivered', Date.now(), 0, { 'url.full': url, 'http.response.status_code': String(status) });
    } catch (error) {
      this.#delivering.delete(state.id);
      this.#deps.log.warn({ approval: state.id, err: error }, 'approval callback failed; retried on the next poll');
    }
  }

  /** One span in the call's trace per state change. */
  #span(state: ApprovalState, name: string, startMs: number, durationMs: number, attributes: Record<string, string>): void {
    this.#deps.store.recordSpans([
      {
        tenant: state.tenant,
        start_time: chTimeMicros(Math.floor(startMs * 1000)),
        trace_id: state.record.trace_id,
        span_id: randomBytes(8).toString('hex'),
        parent_span_id: '',
        call_id: state.record.call_id,
        name,
        kind: 'INTERNAL',
        duration_ms: durationMs,
        status_code: 'OK',
        status_message: '',
        attributes: { 'airlock.call_id': state.record.call_id, 'airlock.approval.id': state.id, ...attributes },
      },
    ]);
  }
}

function interruptedMessage(state: ApprovalState): string {
  return `The gateway running approved call ${state.id} stopped after sending it (node ${state.claim?.node ?? '?'}); whether it took effect is unknown, so it was not sent again. Check the target, then ask again for a new approval.`;
}

/** An audit entry never holds the arguments' values in full, only that they changed and their new hash. */
function redactedDetails(kind: string, details: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'requested') {
    const { view: _view, arguments: _args, ...rest } = details;
    return rest;
  }
  if (kind === 'executed') {
    const { result: _result, ...rest } = details;
    return rest;
  }
  return details;
}

export function resultJson(r: ApprovalResult): { status: number; body: unknown } {
  const text = r.body.toString('utf8');
  try {
    return { status: r.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: r.status, body: text };
  }
}

/** The approval as its requester (and webhooks) see it: the SDK's `Approval` shape. */
export function publicView(state: ApprovalState): Record<string, unknown> {
  const lastVote = state.votes.at(-1);
  return {
    approval_id: state.id,
    status: state.status,
    reason: state.record.reason,
    ...(state.status === 'rejected' && lastVote ? { decision_reason: lastVote.reason } : {}),
    ...(state.status !== 'pending' && state.status !== 'rejected' && state.decision_reason ? { decision_reason: state.decision_reason } : {}),
    call_id: state.record.call_id,
    approver_role: state.record.approver_role,
    quorum: state.record.quorum,
    approvals: state.votes.filter((v) => v.decision === 'approve').length,
    requested_at: new Date(serverMs(state.requested_at)).toISOString(),
    expires_at: new Date(state.expires_at_ms).toISOString(),
    edited: state.edited,
    ...(state.status === 'failed' && state.outcome ? { error: { code: state.outcome.data.code, message: state.outcome.data.message } } : {}),
  };
}
