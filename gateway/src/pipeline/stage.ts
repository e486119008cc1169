/**
 * The stage contract. A stage is `run(ctx, next)`: it may act before the rest of the call (read or rewrite the
 * context, refuse by throwing a GatewayError), call `next()` to run the stages after it, and act on what comes back
 * (the answer: a buffered body or a stream). The innermost stage answers without calling `next`.
 *
 * `next()` returns the answer itself while every stage after it is synchronous and a promise only once one of them
 * waits for something (a key lookup, the upstream): a promise hop on every stage would cost each call time.
 */
import type { CallOutcome, UpstreamResponse } from '../providers/provider.js';
import type { CallContext } from './call-context.js';

/** What a call answers: an upstream's response as it goes to the client; `status` is 200 unless set. */
export type Answer = Omit<UpstreamResponse, 'outcome'> & {
  readonly status?: number;
  /** Settles when the body or stream has been consumed to the end; null for answers that carry no usage. */
  readonly outcome: Promise<CallOutcome | null>;
};

export type StageResult = Answer | Promise<Answer>;

export type Next = () => StageResult;

export interface Stage {
  /** Names the stage in metrics, spans and suspended-call records. */
  readonly id: string;
  run(ctx: CallContext, next: Next): StageResult;
  /**
   * A call resumed in another process (see suspend.ts) re-enters the stages that had already run before it was
   * suspended through `resume`, not `run`: their work before `next()` is done and recorded in the context, but what
   * they do with the answer (restore placeholders, record the call) must happen again here. A stage without
   * `resume` is passed through.
   */
  resume?(ctx: CallContext, next: Next): StageResult;
}

/** True for promises and other thenables a stage may return. */
export function isPending<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
