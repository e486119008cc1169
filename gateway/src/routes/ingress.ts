/**
 * The one ingress of every call route (model APIs and /api/:system): makes the call's context, runs its pipeline,
 * maps a failure to the caller's error shape, sends the answer (buffered, or streamed as it comes), and tells the
 * pipeline when the call is over. Nothing else sends a call's answer.
 */
import { pipeline as pipe } from 'node:stream';
import type { TraceStore } from '@airlock/clickhouse';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallSignal } from '../contracts/call-signal.js';
import { renderError, type GatewayError } from '../errors.js';
import { sseFrame } from '../providers/http/sse.js';
import { createCallContext, type CallContext } from '../pipeline/call-context.js';
import { errorReply, failCall } from '../pipeline/call-error.js';
import type { StageDeps } from '../pipeline/deps.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { isPending, type Answer } from '../pipeline/stage.js';

/** What routes are registered with: the stages' dependencies and the two pipelines (pipeline/stages.ts). */
export interface RouteDeps {
  readonly deps: StageDeps;
  readonly model: Pipeline;
  readonly api: Pipeline;
  readonly mcp: Pipeline;
}

/** What a route knows of a call before its pipeline runs. */
export type CallInit = Pick<Parameters<typeof createCallContext>[0], 'api' | 'shape' | 'http' | 'mcp'>;

/** Headers every answer carries, errors included, so a caller can always find its call in the trace. */
export function callHeaders(ctx: CallContext): Record<string, string> {
  const h: Record<string, string> = { 'x-airlock-call-id': ctx.id };
  const w = ctx.workflow;
  if (w?.id) h['x-airlock-workflow'] = w.id;
  if (w?.run) h['x-airlock-run'] = w.run;
  if (w?.step) h['x-airlock-step'] = w.step;
  if (ctx.deployment) h['x-airlock-served-by'] = ctx.deployment.id;
  return h;
}

function clientAbortSignal(reply: FastifyReply): CallSignal {
  const signal = new CallSignal();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) signal.abort();
  });
  return signal;
}

/** A failure after a model stream started: the status is gone, so the client gets an error event in its own format. */
function streamErrorFrame(ctx: CallContext, error: GatewayError): string {
  const body = renderError(error, ctx.shape);
  return ctx.shape === 'anthropic' ? sseFrame(body, 'error') : sseFrame(body);
}

/**
 * Passes a model stream on; a failure midway becomes a final error event instead of a cut connection. Leaving the
 * loop early (client abort) destroys the source, which cancels the upstream request.
 */
async function* guardStream(source: AsyncIterable<unknown>, ctx: CallContext): AsyncGenerator<unknown> {
  try {
    for await (const chunk of source) yield chunk;
  } catch (error) {
    if (ctx.signal.aborted) return;
    yield streamErrorFrame(ctx, failCall(ctx, error));
  }
}

/** The stream ends (and the caller's SDK sees the answer complete) only once `beforeEnd` has resolved. */
async function* endingAfter(source: AsyncIterable<unknown>, beforeEnd: () => Promise<void>): AsyncGenerator<unknown> {
  yield* source;
  await beforeEnd();
}

/**
 * Ends the call, then waits until its record (and every audit entry so far) is in the store's write-ahead file:
 * no answer goes out for a call that a kill of this process could lose. A promise only when something is waited for.
 */
function endRecorded(ctx: CallContext, store: TraceStore | null): void | Promise<void> {
  ctx.pipeline?.end(ctx);
  return store?.committed();
}

function sendError(reply: FastifyReply, ctx: CallContext, error: unknown, store: TraceStore | null): void | Promise<void> {
  const ge = failCall(ctx, error);
  const { status, body } = errorReply(ctx, ge);
  const send = (): void => void reply.code(status).headers({ ...ge.headers, ...callHeaders(ctx) }).send(body);
  const recorded = endRecorded(ctx, store);
  if (recorded) return recorded.then(send);
  send();
}

function sendAnswer(reply: FastifyReply, ctx: CallContext, answer: Answer, store: TraceStore | null): void | Promise<void> {
  const pipeline = ctx.pipeline!;
  pipeline.settled(ctx);
  ctx.response = answer;
  // Settles once, never rejects: the end runs after it, whatever the outcome.
  const settled = answer.outcome.then(
    (outcome) => {
      ctx.outcome = outcome;
    },
    (error: unknown) => void failCall(ctx, error),
  );
  const status = answer.status ?? 200;
  if (!answer.stream) {
    reply.code(status).headers(answer.headers).headers(callHeaders(ctx));
    const send = (): void => void reply.send(answer.body);
    return settled.then(() => {
      const recorded = endRecorded(ctx, store);
      if (recorded) return recorded.then(send);
      send();
    });
  }
  reply.hijack();
  reply.raw.writeHead(status, { ...answer.headers, ...callHeaders(ctx), connection: 'keep-alive' });
  reply.raw.flushHeaders();
  let ended: Promise<void> | undefined;
  const end = (): Promise<void> => (ended ??= settled.then(() => endRecorded(ctx, store)));
  // A model stream is SSE in the caller's format and ends with an error event on failure; an API call's body is
  // the system's own bytes, and an MCP stream the SDK transport's events: both cut on failure.
  const source = endingAfter(ctx.api === 'http' || ctx.api === 'mcp' ? answer.stream : guardStream(answer.stream, ctx), end);
  pipe(source, reply.raw, (error) => {
    if (error && !ctx.signal.aborted) failCall(ctx, error);
    if (ctx.signal.aborted && !ctx.error) ctx.error = { code: 'client_abort', message: 'client closed the connection', status: 499 };
    void end();
  });
}

/**
 * The Fastify handler for a route whose calls run through `pipeline`. It answers before it returns (or before its
 * promise settles), so it returns nothing: Fastify sends nothing more for a reply that has gone. Every answer
 * waits for the call's record to reach the store's write-ahead file (`store`), a group write per event-loop turn.
 */
export function ingress(pipeline: Pipeline, describe: (request: FastifyRequest) => CallInit, store: TraceStore | null) {
  return function handleCall(request: FastifyRequest, reply: FastifyReply): void | Promise<void> {
    const init = describe(request);
    const ctx = createCallContext({ api: init.api, shape: init.shape, http: init.http, mcp: init.mcp, headers: request.headers, signal: clientAbortSignal(reply), rawBody: request.body });
    let answer;
    try {
      answer = pipeline.run(ctx);
    } catch (error) {
      return sendError(reply, ctx, error, store);
    }
    if (!isPending(answer)) return sendAnswer(reply, ctx, answer, store);
    return answer.then(
      (a) => sendAnswer(reply, ctx, a, store),
      (error: unknown) => sendError(reply, ctx, error, store),
    );
  };
}
