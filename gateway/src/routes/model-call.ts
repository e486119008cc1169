/**
 * The one handler behind every model route: validate, run the pipeline, send the answer (buffered or streamed),
 * and tell the pipeline when the call is over.
 */
import { pipeline } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, renderError } from '../errors.js';
import { UpstreamError } from '../providers/errors.js';
import { mapTransportError } from '../providers/http/client.js';
import type { ApiFormat } from '../providers/provider.js';
import { upstreamToGatewayError } from '../pipeline/route.js';
import { sseFrame } from '../providers/http/sse.js';
import { createCallContext, type CallContext } from '../pipeline/call-context.js';
import { CallSignal } from '../pipeline/call-signal.js';
import type { StageDeps } from '../pipeline/deps.js';
import { finishPipeline, runPipeline } from '../pipeline/run-pipeline.js';
import type { Stage } from '../pipeline/stage.js';

export interface ModelCallDeps {
  readonly stages: readonly Stage[];
  readonly deps: StageDeps;
}

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

export function clientAbortSignal(reply: FastifyReply): CallSignal {
  const signal = new CallSignal();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) signal.abort();
  });
  return signal;
}

/** undici and socket failures surfacing while a body streams. */
function isTransportError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || code.startsWith('ECONN') || code === 'EPIPE');
}

function recordError(ctx: CallContext, error: unknown): GatewayError {
  const ge =
    error instanceof GatewayError
      ? error
      : error instanceof UpstreamError
        ? upstreamToGatewayError(error)
        : isTransportError(error) && ctx.deployment
          ? upstreamToGatewayError(mapTransportError(error, ctx.deployment.timeouts) as UpstreamError)
          : new GatewayError('GW_ERR_INTERNAL', 'Internal gateway error.', { cause: error });
  ctx.error = { code: ge.code, message: ge.message, status: ge.status };
  return ge;
}

/** A failure after the stream started: the status is gone, so the client gets an error event in its own format. */
function streamErrorFrame(ctx: CallContext, error: GatewayError): string {
  const body = renderError(error, ctx.shape);
  return ctx.shape === 'anthropic' ? sseFrame(body, 'error') : sseFrame(body);
}

/**
 * Passes the stream on; a failure midway becomes a final error event instead of a cut connection. Leaving the loop
 * early (client abort) destroys the source, which cancels the upstream request.
 */
async function* guardStream(
  source: AsyncIterable<unknown>,
  ctx: CallContext,
  onError: (ctx: CallContext, error: unknown) => GatewayError,
): AsyncGenerator<unknown> {
  try {
    for await (const chunk of source) yield chunk;
  } catch (error) {
    if (ctx.signal.aborted) return;
    yield streamErrorFrame(ctx, onError(ctx, error));
  }
}

export function createModelHandler(format: ApiFormat, options: ModelCallDeps) {
  const shape = format === 'anthropic.messages' ? 'anthropic' : 'openai';
  return async function handleModelCall(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const signal = clientAbortSignal(reply);
    const ctx = createCallContext({ api: format, shape, headers: request.headers, signal, rawBody: request.body });
    try {
      const pending = runPipeline(options.stages, ctx, options.deps);
      if (pending) await pending;
    } catch (error) {
      const ge = recordError(ctx, error);
      void finishPipeline(options.stages, ctx, options.deps);
      reply.code(ge.status).headers({ ...ge.headers, ...callHeaders(ctx) }).send(renderError(ge, shape));
      return reply;
    }
    let response = ctx.response!;
    if (response.body && ctx.redactedRequest !== null) ctx.upstreamResponseText = response.body.toString('utf8');
    for (const filter of ctx.responseFilters) response = filter(response);
    // Settles once, never rejects: the finish runs after it, whatever the outcome.
    const settled = response.outcome.then(
      (outcome) => {
        ctx.outcome = outcome;
      },
      (error: unknown) => {
        if (!ctx.error) recordError(ctx, error);
      },
    );
    if (!response.stream) {
      reply.code(200).headers(response.headers).headers(callHeaders(ctx));
      reply.raw.once('close', () => void settled.then(() => finishPipeline(options.stages, ctx, options.deps)));
      return reply.send(response.body);
    }
    reply.hijack();
    reply.raw.writeHead(200, { ...response.headers, ...callHeaders(ctx), connection: 'keep-alive' });
    reply.raw.flushHeaders();
    pipeline(guardStream(response.stream, ctx, recordError), reply.raw, () => {
      if (signal.aborted && !ctx.error) ctx.error = { code: 'client_abort', message: 'client closed the connection', status: 499 };
      void settled.then(() => finishPipeline(options.stages, ctx, options.deps));
    });
    return reply;
  };
}
