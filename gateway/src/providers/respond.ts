/**
 * Turns an upstream HTTP reply into an UpstreamResponse in the client's format: passthrough where the formats
 * match, translation where they differ; outcome observed either way.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { BufferedReply, HttpCall, HttpClient, HttpReply } from './http/client.js';
import { passedResponseHeaders } from './headers.js';
import { completeObservation, newObservation, observeBody, observeStream, parseJson } from './observe.js';
import type { ApiFormat, CallOutcome, UpstreamResponse } from './provider.js';
import { UpstreamProtocolError } from './errors.js';
import { translateStream, type StreamTranslator } from './translate/streams.js';

type Json = Record<string, unknown>;

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;
export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } as const;

export interface ReplyOptions {
  /** The format the client speaks. */
  readonly format: ApiFormat;
  /** The format the upstream answered in. */
  readonly upstreamFormat: ApiFormat;
  readonly model: string;
  /** The client's request, to count tokens from if the upstream reports no usage. */
  readonly request: Readonly<Json>;
  /** Rewrites a non-streaming body from the upstream's format into the client's. */
  readonly translateBody?: (body: Json) => Json;
  /** Rewrites a stream from the upstream's format into the client's. */
  readonly translator?: () => StreamTranslator;
  /** Filters a passed-through stream (the usage chunk the gateway asked for on the client's behalf). */
  readonly filter?: (stream: Readable) => Readable;
  /** Work the stream waits for, alongside the upstream's first byte (a translator's prompt count). */
  readonly ready?: Promise<unknown>;
}

/**
 * A whole answer. Passed through, it goes on as the upstream sent it and is read for usage only on the next turn
 * of the event loop, once the answer is on its way: like a stream, it is observed, not held up. (A body that is not
 * JSON then reaches the caller as it came, and the call is recorded with an `error` finish.) Translated, it has to
 * be read first, and one that is not JSON is a protocol error.
 */
export function bufferedReply(reply: BufferedReply, options: ReplyOptions): UpstreamResponse {
  const raw = reply.body;
  const { firstByteAt } = reply;
  const headers = { ...JSON_HEADERS, ...passedResponseHeaders(reply.headers, options.upstreamFormat, options.format) };
  if (!options.translateBody) {
    const doneAt = performance.now();
    const outcome = new Promise<CallOutcome>((resolve, reject) =>
      setImmediate(() => {
        const parsed = parseJson(raw.toString('utf8'));
        const obs = parsed ? observeBody(options.upstreamFormat, parsed, options.model) : { ...newObservation(options.model), finishReason: 'error' as const };
        completeObservation(obs, parsed && options.request).then((o) => resolve({ ...o, firstByteAt, doneAt }), reject);
      }),
    );
    return { headers, body: raw, outcome };
  }
  const parsed = parseJson(raw.toString('utf8'));
  if (!parsed) throw new UpstreamProtocolError('upstream sent a response body that is not JSON');
  const obs = observeBody(options.upstreamFormat, parsed, options.model);
  const body = Buffer.from(JSON.stringify(options.translateBody(parsed)));
  const doneAt = performance.now();
  return { headers, body, outcome: completeObservation(obs, options.request).then((o) => ({ ...o, firstByteAt, doneAt })) };
}

export function streamedReply(reply: HttpReply, options: ReplyOptions): UpstreamResponse {
  const firstByteAt = performance.now();
  // Observed as the upstream sent it (its usage and finish are the ones recorded), then translated or filtered.
  const observed = observeStream(options.upstreamFormat, reply.body, { model: options.model, firstByteAt, request: options.request });
  const stream: Readable = options.translator
    ? translateStream(observed.stream, options.translator())
    : options.filter
      ? options.filter(observed.stream)
      : observed.stream;
  const { outcome } = observed;
  return { headers: { ...SSE_HEADERS, ...passedResponseHeaders(reply.headers, options.upstreamFormat, options.format) }, stream, outcome };
}

/** Sends the call and answers in the client's format: streamed when the client asked for a stream, else whole. */
export function respond(http: HttpClient, call: HttpCall, stream: boolean, options: ReplyOptions): Promise<UpstreamResponse> {
  if (stream) {
    if (options.ready) return Promise.all([http.send(call), options.ready]).then(([reply]) => streamedReply(reply, options));
    return http.send(call).then((reply) => streamedReply(reply, options));
  }
  return http.sendBuffered(call).then((reply) => bufferedReply(reply, options));
}
