/**
 * Workflow runs and their steps. A run opens a trace; each step is a span in it, and every gateway call made
 * inside a step carries the step's headers and `traceparent`, so the gateway's spans hang under the step and the
 * time between steps (a human reviewing, a queue) shows apart from the calls' own latency.
 */
import { randomUUID } from 'node:crypto';
import { currentContext, withContext, type WorkflowContext } from '../core/context.js';
import { newSpanId, newTraceId, type SpanContext } from '../core/trace-context.js';
import type { FinishedSpan, SpanExporter } from './span-exporter.js';

export interface RunOptions {
  /** The run's id; a random UUID by default. Pass one to resume a run across processes. */
  readonly runId?: string;
  /** Extra span attributes for the run (strings only: they end up as ClickHouse map values). */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A run in progress: pass it around, or rely on the context, which travels with async calls anyway. */
export interface WorkflowRun {
  readonly workflow: string;
  readonly id: string;
  readonly traceId: string;
  /** Runs `fn` as the step `name`: calls made inside it are tagged with the step. Steps may nest. */
  step<T>(name: string, fn: (step: StepInfo) => T | Promise<T>): Promise<T>;
}

export interface StepInfo {
  readonly name: string;
  readonly run: string;
  readonly spanId: string;
}

export interface Workflow {
  readonly name: string;
  run<T>(fn: (run: WorkflowRun) => T | Promise<T>, options?: RunOptions): Promise<T>;
}

const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

async function traced<T>(
  span: Omit<FinishedSpan, 'endMs' | 'error' | 'startMs'>,
  spans: FinishedSpan[],
  fn: () => T | Promise<T>,
): Promise<T> {
  const startMs = Date.now();
  try {
    const result = await fn();
    spans.push({ ...span, startMs, endMs: Date.now(), error: undefined });
    return result;
  } catch (error) {
    spans.push({ ...span, startMs, endMs: Date.now(), error: errorText(error) });
    throw error;
  }
}

export function createWorkflow(name: string, exporter: SpanExporter): Workflow {
  if (!name.trim()) throw new TypeError('A workflow needs a name.');
  return {
    name,
    async run(fn, options = {}) {
      const id = options.runId ?? randomUUID();
      const root: SpanContext = { traceId: newTraceId(), spanId: newSpanId() };
      const spans: FinishedSpan[] = [];
      const base = { 'airlock.workflow': name, 'airlock.run': id };
      const exports: Promise<void>[] = [];
      const run: WorkflowRun = {
        workflow: name,
        id,
        traceId: root.traceId,
        step(stepName, stepFn) {
          if (!stepName.trim()) throw new TypeError('A step needs a name.');
          const parent = currentContext().run === id ? (currentContext().span ?? root) : root;
          const span: SpanContext = { traceId: root.traceId, spanId: newSpanId() };
          const context: WorkflowContext = { workflow: name, run: id, step: stepName, span };
          const stepSpans: FinishedSpan[] = [];
          const info: StepInfo = { name: stepName, run: id, spanId: span.spanId };
          const attributes = { ...base, 'airlock.step': stepName, 'airlock.span_kind': 'step' };
          return traced({ ...span, parentSpanId: parent.spanId, name: `step ${stepName}`, attributes }, stepSpans, () =>
            withContext(context, () => stepFn(info)),
          ).finally(() => {
            // Each step's span leaves when the step ends, so a long run's trace fills in while it is running.
            exports.push(exporter.export(stepSpans));
          });
        },
      };
      const attributes = { ...base, ...options.attributes, 'airlock.span_kind': 'run' };
      try {
        return await traced({ ...root, parentSpanId: undefined, name: `run ${name}`, attributes }, spans, () =>
          withContext({ workflow: name, run: id, span: root }, () => fn(run)),
        );
      } finally {
        exports.push(exporter.export(spans));
        await Promise.all(exports);
      }
    },
  };
}
