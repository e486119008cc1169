import { performance } from 'node:perf_hooks';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import type { Stage, StageId } from './stage.js';

export interface PipelineOptions {
  /** Stop after this stage (tests, and API calls whose forwarding the proxy does itself). */
  readonly stopAfter?: StageId;
  readonly skip?: ReadonlySet<StageId>;
}

/**
 * Runs the stages in order; a throw and a rejected promise end the call alike. Synchronous until a stage returns
 * a promise (usually only the route stage does), and returns a promise only then: every promise hop costs each
 * call some time.
 */
export function runPipeline(stages: readonly Stage[], ctx: CallContext, deps: StageDeps, options: PipelineOptions = {}, from = 0): void | Promise<void> {
  for (let i = from; i < stages.length; i++) {
    const stage = stages[i]!;
    if (options.skip?.has(stage.id)) continue;
    const pending = stage.run?.(ctx, deps);
    if (stage.id === options.stopAfter) return pending;
    if (pending) return pending.then(() => runPipeline(stages, ctx, deps, options, i + 1));
  }
}

/**
 * Tells every stage the call is over. Called exactly once per call by the ingress that owns the response. Runs
 * without a promise while stages finish synchronously (the usual case), and never rejects.
 */
export function finishPipeline(stages: readonly Stage[], ctx: CallContext, deps: StageDeps, from = 0): void | Promise<void> {
  ctx.doneAt ??= performance.now();
  for (let i = from; i < stages.length; i++) {
    const stage = stages[i]!;
    if (!stage.finish) continue;
    try {
      const pending = stage.finish(ctx, deps);
      if (pending) return pending.catch(ignore).then(() => finishPipeline(stages, ctx, deps, i + 1));
    } catch {
      // A stage's bookkeeping failing must never turn a finished call into an error.
    }
  }
}

const ignore = (): void => undefined;
