/**
 * The workflow context of the code that is running now. It travels with async calls (AsyncLocalStorage), so a
 * model call made deep inside `run.step('score', …)` carries the step's headers without being handed them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { HEADERS } from './constants.js';
import { formatTraceparent, type SpanContext } from './trace-context.js';

/** What the gateway is told about a call: which workflow, run and step made it. All optional. */
export interface WorkflowContext {
  /** The workflow's name, e.g. `loan-application`. */
  readonly workflow?: string;
  /** One execution of the workflow. */
  readonly run?: string;
  /** The step within the run, e.g. `credit-evaluation`. */
  readonly step?: string;
  /** The span calls become children of (the current step's, or the run's). */
  readonly span?: SpanContext;
}

const storage = new AsyncLocalStorage<WorkflowContext>();

export const currentContext = (): WorkflowContext => storage.getStore() ?? {};

export const withContext = <T>(context: WorkflowContext, fn: () => T): T => storage.run(context, fn);

/** Later fields win; an explicit `undefined` does not erase what the context already says. */
export function mergeContext(...parts: ReadonlyArray<WorkflowContext | undefined>): WorkflowContext {
  const out: { -readonly [K in keyof WorkflowContext]: WorkflowContext[K] } = {};
  for (const part of parts) {
    if (!part) continue;
    if (part.workflow !== undefined) out.workflow = part.workflow;
    if (part.run !== undefined) out.run = part.run;
    if (part.step !== undefined) out.step = part.step;
    if (part.span !== undefined) out.span = part.span;
  }
  return out;
}

/** The headers for a context: workflow headers and `traceparent`, nothing else. */
export function contextHeaders(context: WorkflowContext): Record<string, string> {
  const out: Record<string, string> = {};
  if (context.workflow) out[HEADERS.workflow] = context.workflow;
  if (context.run) out[HEADERS.run] = context.run;
  if (context.step) out[HEADERS.step] = context.step;
  if (context.span) out[HEADERS.traceparent] = formatTraceparent(context.span);
  return out;
}
