/**
 * Turns an upstream HTTP reply into an UpstreamResponse in the client's format: passthrough where the formats
 * match, translation where they differ; outcome observed either way.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { BufferedReply, HttpCall, HttpClient } from './http/client.js';
import { observeBody, observeStream } from './observe.js';
import type { ApiFormat, UpstreamResponse } from './provider.js';
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
  /** Rewrites a non-streaming body from the upstream's format into the client's. */
  readonly translateBody?: (body: Json) => Json;
  /** Rewrites a stream from the upstream's format into the client's. */
  readonly translator?: () => StreamTranslator;
}

export function bufferedReply(reply: BufferedReply, options: ReplyOptions): UpstreamResponse {
  const raw = reply.body;
  let parsed: Json;
  try {
    parsed = JSON.parse(raw.toString('utf8')) as Json;
  } catch (error) {
    throw new UpstreamProtocolError('upstream sent a response body that is not JSON', error);
  }
  const obs = observeBody(options.upstreamFormat, parsed, options.model);
  const body = options.translateBody ? Buffer.from(JSON.stringify(options.translateBody(parsed))) : raw;
  return { headers: JSON_HEADERS, body, outcome: Promise.resolve({ ...obs, firstByteAt: reply.firstByteAt, doneAt: performance.now() }) };
}

export function streamedReply(upstream: Readable, options: ReplyOptions): UpstreamResponse {
  const firstByteAt = performance.now();
  const source = options.translator ? translateStream(upstream, options.translator()) : upstream;
  const { stream, outcome } = observeStream(options.format, source, { model: options.model, firstByteAt });
  return { headers: SSE_HEADERS, stream, outcome };
}

/** Sends the call and answers in the client's format: streamed when the client asked for a stream, else whole. */
export function respond(http: HttpClient, call: HttpCall, stream: boolean, options: ReplyOptions): Promise<UpstreamResponse> {
  if (stream) return http.send(call).then((reply) => streamedReply(reply.body, options));
  return http.sendBuffered(call).then((reply) => bufferedReply(reply, options));
}
