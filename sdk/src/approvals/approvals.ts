/**
 * Held calls, from the caller's side: the status of an approval and, once it ran, its result. `wait` polls
 * `GET /v1/approvals/:id` with backoff until the approval reaches an end state.
 */
import { request, sleep } from '../core/request.js';
import type { NormalizedOptions } from '../core/options.js';
import { TimeoutError } from '../errors/timeout-error.js';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'executed', 'failed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The statuses after which nothing more happens to an approval. */
export const FINAL_APPROVAL_STATUSES: ReadonlySet<ApprovalStatus> = new Set(['rejected', 'expired', 'executed', 'failed']);

/** An approval as its requester sees it. */
export interface Approval {
  readonly approval_id: string;
  readonly status: ApprovalStatus;
  /** Why the policy held the call. */
  readonly reason?: string;
  /** The approver's reason, on rejection. */
  readonly decision_reason?: string;
  readonly expires_at?: string;
  /** Once executed: the upstream's answer as the caller would have received it. */
  readonly result?: { readonly status: number; readonly body: unknown };
  readonly [key: string]: unknown;
}

export interface WaitOptions {
  /** Give up after this long (TimeoutError); the approval itself goes on. Default: wait until it ends. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The first poll's delay; grows to 5 s. Default 500 ms. */
  readonly intervalMs?: number;
}

const MAX_POLL_MS = 5_000;

export interface ApprovalsClient {
  get(id: string, options?: { signal?: AbortSignal }): Promise<Approval>;
  wait(id: string, options?: WaitOptions): Promise<Approval>;
}

export function createApprovalsClient(options: NormalizedOptions): ApprovalsClient {
  const get = async (id: string, opts: { signal?: AbortSignal } = {}): Promise<Approval> =>
    (await request<Approval>(options, { path: `/v1/approvals/${encodeURIComponent(id)}`, ...(opts.signal ? { signal: opts.signal } : {}) })).data;
  return {
    get,
    async wait(id, opts = {}) {
      const controller = new AbortController();
      const signals = [controller.signal, ...(opts.signal ? [opts.signal] : [])];
      const timeout = opts.timeoutMs === undefined ? null : setTimeout(() => controller.abort(new TimeoutError({ method: 'GET', url: `approval ${id}`, timeoutMs: opts.timeoutMs! })), opts.timeoutMs);
      const signal = AbortSignal.any(signals);
      try {
        for (let interval = opts.intervalMs ?? 500; ; interval = Math.min(interval * 1.5, MAX_POLL_MS)) {
          const approval = await get(id, { signal });
          if (FINAL_APPROVAL_STATUSES.has(approval.status)) return approval;
          await sleep(interval, signal);
        }
      } catch (error) {
        throw signal.aborted ? signal.reason : error;
      } finally {
        if (timeout) clearTimeout(timeout);
      }
    },
  };
}
