/**
 * Runs one declared stage list (stages.ts) for a call: each stage wraps the ones after it. The runner's state lives
 * on the call's context (cursor, timings, end hooks), so that a call costs one `next` function, not one per stage,
 * and stays synchronous until a stage returns a promise.
 *
 * Each stage's time is the time from its start until it hands on (`next()`) or answers: the time its own work
 * before the answer took, waits included. It is observed as `airlock_stage_seconds{stage}` when the call is over,
 * and the record stage writes it on the call's span.
 */
import { performance } from 'node:perf_hooks';
import type { Histogram } from '../metrics/registry.js';
import type { CallContext } from './call-context.js';
import type { Sealer } from '../crypto/sealed.js';
import type { Stage, StageResult } from './stage.js';

export class Pipeline {
  readonly ids: readonly string[];
  readonly #observe: readonly ((seconds: number) => void)[];

  constructor(
    /** `model` or `api`: names the list in suspended-call records. */
    readonly name: string,
    readonly stages: readonly Stage[],
    stageSeconds: Histogram,
    /** Seals what a suspended call must keep secret (suspend.ts). */
    readonly sealer: Sealer,
  ) {
    this.ids = stages.map((s) => s.id);
    if (new Set(this.ids).size !== this.ids.length) throw new Error(`pipeline ${name}: stage ids must be unique (${this.ids.join(', ')})`);
    this.#observe = this.ids.map((stage) => stageSeconds.series({ stage }));
  }

  /** Runs the call through every stage; a throw and a rejected promise end it alike. */
  run(ctx: CallContext): StageResult {
    return this.enter(ctx, 0, -1);
  }

  /** Runs from the stage at `from`, the stages before it re-entered through `resume` (suspend.ts). */
  enter(ctx: CallContext, from: number, resumeAt: number): StageResult {
    ctx.pipeline = this;
    ctx.cursor = from;
    ctx.resumeAt = resumeAt;
    ctx.stageMs.length = this.stages.length;
    ctx.stageMs.fill(0);
    ctx.stageAt = performance.now();
    ctx.next = () => this.#step(ctx);
    return this.#step(ctx);
  }

  #step(ctx: CallContext): StageResult {
    const i = ctx.cursor++;
    const now = performance.now();
    // A stage re-entered for a resumed call did its work in the process that suspended it: it is not timed again.
    if (i > 0 && i - 1 >= ctx.resumeAt) ctx.stageMs[i - 1]! += now - ctx.stageAt;
    ctx.stageAt = now;
    const stage = this.stages[i];
    if (!stage) throw new Error(`pipeline ${this.name}: the last stage handed on instead of answering`);
    if (i < ctx.resumeAt) return stage.resume ? stage.resume(ctx, ctx.next) : ctx.next();
    return stage.run(ctx, ctx.next);
  }

  /** The answer (or the failure) is in: the stage that gave it stops its clock. */
  settled(ctx: CallContext): void {
    const i = ctx.cursor - 1;
    if (i >= 0 && i < this.stages.length) ctx.stageMs[i]! += performance.now() - ctx.stageAt;
    ctx.cursor = this.stages.length + 1;
  }

  /**
   * The call is over: called exactly once by whoever delivered the answer (the ingress, or the caller of `resume`).
   * Observes the stage timings and runs the stages' end hooks, innermost first; a hook that throws is skipped, since
   * bookkeeping failing must never turn a finished call into an error.
   */
  end(ctx: CallContext): void {
    if (ctx.ended) return;
    ctx.ended = true;
    ctx.doneAt ??= performance.now();
    if (ctx.cursor <= this.stages.length) this.settled(ctx);
    for (let i = 0; i < this.#observe.length; i++) if (ctx.stageMs[i]) this.#observe[i]!(ctx.stageMs[i]! / 1000);
    for (let i = ctx.onEnd.length - 1; i >= 0; i--) {
      try {
        ctx.onEnd[i]!(ctx);
      } catch {
        // See above.
      }
    }
  }
}
