import type { ApiFormat } from '../contracts/api.js';
import { parseRequestBody } from './request-schemas.js';
import type { CallContext, WorkflowContext } from './call-context.js';
import type { Next, Stage } from './stage.js';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const MAX_ID_LENGTH = 200;

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return (s ?? '').trim().slice(0, MAX_ID_LENGTH);
}

/** W3C trace context: all-zero ids and version ff are invalid and ignored. */
export function parseTraceparent(value: string): { traceId: string; parentSpanId: string } | null {
  const m = TRACEPARENT.exec(value.toLowerCase());
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return null;
  return { traceId: m[2]!, parentSpanId: m[3]! };
}

export function readWorkflow(headers: Readonly<Record<string, string | string[] | undefined>>): WorkflowContext {
  const trace = parseTraceparent(header(headers, 'traceparent'));
  return {
    id: header(headers, 'x-airlock-workflow'),
    run: header(headers, 'x-airlock-run'),
    step: header(headers, 'x-airlock-step'),
    traceId: trace?.traceId ?? null,
    parentSpanId: trace?.parentSpanId ?? null,
  };
}

/** Model calls: the workflow context and the validated body (after authentication, as providers do). */
export const contextStage: Stage = {
  id: 'context',
  run(ctx: CallContext, next: Next) {
    ctx.workflow = readWorkflow(ctx.headers);
    ctx.body = parseRequestBody(ctx.api as ApiFormat, ctx.rawBody);
    ctx.stream = ctx.body.stream === true;
    ctx.requestedModel = String(ctx.body.model);
    return next();
  },
};
