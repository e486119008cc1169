/**
 * The built-in demo model: deterministic, local, speaking every client format natively, streaming included.
 */
import type { CallSignal } from '../../contracts/call-signal.js';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { observeStream } from '../observe.js';
import type { ApiFormat, ProviderAdapter, UpstreamRequest, UpstreamResponse } from '../provider.js';
import { JSON_HEADERS } from '../respond.js';
import { anthropicEvents, anthropicMessage, chatChunks, chatCompletion, responsesBody, responsesEvents } from './render.js';
import { demoEmbedding, demoReply, encodeEmbedding, estimateTokens, stableId } from './reply.js';

const FORMATS: ReadonlySet<ApiFormat> = new Set(['openai.chat', 'openai.responses', 'openai.embeddings', 'anthropic.messages']);
const EMBEDDING_DIMENSIONS = 16;

function embeddings(body: Record<string, unknown>, model: string): Record<string, unknown> {
  const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : EMBEDDING_DIMENSIONS;
  const tokens = inputs.reduce((n, s) => n + estimateTokens(s), 0);
  return {
    object: 'list',
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: encodeEmbedding(demoEmbedding(text, dimensions), body.encoding_format) })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** Frames are released one per event-loop turn, so clients see a stream arrive piece by piece. */
function frameStream(frames: Iterable<string>, signal: CallSignal): Readable {
  return Readable.from(
    (async function* () {
      for (const frame of frames) {
        if (signal.aborted) return;
        yield frame;
        await tick();
      }
    })(),
    { objectMode: false },
  );
}

export function createDemoAdapter(): ProviderAdapter {
  return {
    kind: 'demo',
    formats: FORMATS,
    async send(request: UpstreamRequest): Promise<UpstreamResponse> {
      const model = request.deployment.upstreamModel;
      const body = request.body as Record<string, unknown>;
      const firstByteAt = performance.now();
      if (request.format === 'openai.embeddings') {
        const json = Buffer.from(JSON.stringify(embeddings(body, model)));
        const usage = { inputTokens: estimateTokens(String(body.input ?? '')), outputTokens: 0, cachedInputTokens: 0 };
        return { headers: JSON_HEADERS, body: json, outcome: Promise.resolve({ usage, finishReason: 'stop', servedModel: model, firstByteAt, doneAt: performance.now() }) };
      }
      const reply = demoReply(body);
      const seed = JSON.stringify(body);
      if (!request.stream) {
        const rendered =
          request.format === 'anthropic.messages'
            ? anthropicMessage(stableId('msg_', seed), model, reply)
            : request.format === 'openai.responses'
              ? responsesBody(stableId('resp_', seed), model, reply)
              : chatCompletion(stableId('chatcmpl-', seed), model, reply);
        const usage = { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, cachedInputTokens: 0 };
        return {
          headers: JSON_HEADERS,
          body: Buffer.from(JSON.stringify(rendered)),
          outcome: Promise.resolve({
            usage,
            finishReason: reply.toolCalls.length ? 'tool_calls' : 'stop',
            servedModel: model,
            firstByteAt,
            doneAt: performance.now(),
          }),
        };
      }
      const includeUsage = Boolean((body.stream_options as { include_usage?: unknown } | undefined)?.include_usage);
      const frames =
        request.format === 'anthropic.messages'
          ? anthropicEvents(stableId('msg_', seed), model, reply)
          : request.format === 'openai.responses'
            ? responsesEvents(stableId('resp_', seed), model, reply)
            : chatChunks(stableId('chatcmpl-', seed), model, reply, includeUsage);
      const { stream, outcome } = observeStream(request.format, frameStream(frames, request.signal), { model, firstByteAt });
      // Chat streams without include_usage carry no usage; the demo knows it, so the record still gets it.
      const withUsage = outcome.then((o) => ({ ...o, usage: { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, cachedInputTokens: 0 } }));
      withUsage.catch(() => undefined);
      return { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }, stream, outcome: withUsage };
    },
  };
}
