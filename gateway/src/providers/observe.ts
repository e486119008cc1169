/**
 * Reads usage, finish reason and served model out of responses as they pass, in every client format, without
 * changing a byte: non-streaming bodies are parsed once; streams are tapped event by event.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { SseParser, type SseEvent } from './http/sse.js';
import type { ApiFormat, CallOutcome, FinishReason, Usage } from './provider.js';
import { estimateUsage } from './tokens.js';
import { ANTHROPIC_STOP, EMPTY_USAGE, OPENAI_FINISH, anthropicFinalUsage, usageFromAnthropic, usageFromOpenAI } from './vocabulary.js';

export interface Observation {
  usage: Usage;
  finishReason: FinishReason;
  servedModel: string;
  /** The answer's generated text as it streamed (text, reasoning, tool arguments): counted if no usage comes. */
  readonly output: string[];
}

type JsonObject = Record<string, unknown>;

/** A JSON object, or undefined for anything else (invalid JSON included). */
export function parseJson(text: string): JsonObject | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** Folds one event of a stream in `format` into the observation. */
export function observeEvent(format: ApiFormat, obs: Observation, event: SseEvent): void {
  if (event.data === '[DONE]') return;
  const data = parseJson(event.data);
  if (!data) return;
  switch (format) {
    case 'openai.chat': {
      if (typeof data.model === 'string') obs.servedModel = data.model;
      const choice = (data.choices as JsonObject[] | undefined)?.[0];
      const reason = choice?.finish_reason;
      if (typeof reason === 'string') obs.finishReason = OPENAI_FINISH[reason] ?? 'stop';
      const delta = choice?.delta as JsonObject | undefined;
      if (delta) chatDeltaText(delta, obs.output);
      if (data.usage) obs.usage = usageFromOpenAI(data.usage);
      if (data.error) obs.finishReason = 'error';
      return;
    }
    case 'openai.responses': {
      const response = data.response as JsonObject | undefined;
      if (response && typeof response.model === 'string') obs.servedModel = response.model;
      if (data.type === 'response.output_text.delta' || data.type === 'response.function_call_arguments.delta' || data.type === 'response.reasoning_summary_text.delta') {
        if (typeof data.delta === 'string') obs.output.push(data.delta);
      } else if ((data.type === 'response.completed' || data.type === 'response.incomplete' || data.type === 'response.failed') && response) {
        // Every terminal event carries the response with its usage: a cut-short answer was still generated.
        if (response.usage) obs.usage = usageFromOpenAI(response.usage);
        obs.finishReason = data.type === 'response.failed' ? 'error' : responsesFinish(response);
      } else if (data.type === 'error') obs.finishReason = 'error';
      return;
    }
    case 'anthropic.messages': {
      if (data.type === 'message_start') {
        const message = data.message as JsonObject;
        if (typeof message?.model === 'string') obs.servedModel = message.model;
        obs.usage = usageFromAnthropic(message?.usage);
      } else if (data.type === 'content_block_delta') {
        const delta = data.delta as JsonObject | undefined;
        const text = delta?.text ?? delta?.partial_json ?? delta?.thinking;
        if (typeof text === 'string') obs.output.push(text);
      } else if (data.type === 'message_delta') {
        const delta = data.delta as JsonObject | undefined;
        if (typeof delta?.stop_reason === 'string') obs.finishReason = ANTHROPIC_STOP[delta.stop_reason] ?? 'stop';
        obs.usage = anthropicFinalUsage(obs.usage, data.usage);
      } else if (data.type === 'error') obs.finishReason = 'error';
      return;
    }
    case 'openai.embeddings':
      return;
  }
}

/** Text a chat chunk's delta adds: content, refusal, reasoning (either field name in use) and tool calls. */
function chatDeltaText(delta: JsonObject, out: string[]): void {
  for (const key of ['content', 'refusal', 'reasoning_content', 'reasoning'] as const) {
    const v = delta[key];
    if (typeof v === 'string' && v) out.push(v);
  }
  const calls = delta.tool_calls;
  if (Array.isArray(calls)) {
    for (const c of calls as JsonObject[]) {
      const fn = c.function as JsonObject | undefined;
      if (typeof fn?.name === 'string') out.push(fn.name);
      if (typeof fn?.arguments === 'string') out.push(fn.arguments);
    }
  }
}

function responsesFinish(response: JsonObject): FinishReason {
  if (response.status === 'incomplete') {
    return (response.incomplete_details as JsonObject | null | undefined)?.reason === 'content_filter' ? 'content_filter' : 'length';
  }
  const output = response.output as JsonObject[] | undefined;
  return output?.some((item) => item.type === 'function_call') ? 'tool_calls' : 'stop';
}

/** The observation of a complete, non-streaming response body. */
export function observeBody(format: ApiFormat, body: JsonObject, fallbackModel: string): Observation {
  const servedModel = typeof body.model === 'string' ? body.model : fallbackModel;
  switch (format) {
    case 'openai.chat': {
      const reason = (body.choices as JsonObject[] | undefined)?.[0]?.finish_reason;
      return { usage: usageFromOpenAI(body.usage), finishReason: OPENAI_FINISH[String(reason)] ?? 'stop', servedModel, output: bodyOutput(format, body) };
    }
    case 'openai.responses':
      return { usage: usageFromOpenAI(body.usage), finishReason: responsesFinish(body), servedModel, output: bodyOutput(format, body) };
    case 'openai.embeddings':
      return { usage: usageFromOpenAI(body.usage), finishReason: 'stop', servedModel, output: [] };
    case 'anthropic.messages':
      return {
        usage: usageFromAnthropic(body.usage),
        finishReason: ANTHROPIC_STOP[String(body.stop_reason)] ?? 'stop',
        servedModel,
        output: bodyOutput(format, body),
      };
  }
}

export function newObservation(model: string): Observation {
  return { usage: EMPTY_USAGE, finishReason: 'stop', servedModel: model, output: [] };
}

/** The generated text of a whole answer, for counting when it reports no usage. */
function bodyOutput(format: ApiFormat, body: JsonObject): string[] {
  const out: string[] = [];
  const pick = format === 'openai.chat' ? body.choices : format === 'openai.responses' ? body.output : format === 'anthropic.messages' ? body.content : undefined;
  collectAnswerText(pick, out);
  return out;
}

function collectAnswerText(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const v of value) collectAnswerText(v, out);
  else if (value && typeof value === 'object') {
    const o = value as JsonObject;
    for (const key of ['message', 'content', 'text', 'refusal', 'reasoning_content', 'thinking', 'arguments', 'name', 'tool_calls', 'function', 'summary']) {
      const v = o[key];
      if (typeof v === 'string') out.push(v);
      else if (v && typeof v === 'object') collectAnswerText(v, out);
    }
    if (o.type === 'tool_use' && o.input) out.push(JSON.stringify(o.input));
  }
}

/**
 * An observation as the outcome reports it: when the upstream reported no usage at all, the tokens are counted
 * (tokens.ts) and marked as estimated, so no answer is recorded as free.
 */
export async function completeObservation(
  obs: Observation,
  request: Readonly<JsonObject> | undefined,
): Promise<Omit<Observation, 'output'> & { usageEstimated?: true }> {
  const { output, ...rest } = obs;
  if (!request || obs.usage.inputTokens || obs.usage.outputTokens) return rest;
  try {
    return { ...rest, usage: await estimateUsage(request, output.join('')), usageEstimated: true };
  } catch {
    // Without a count the call is recorded as the upstream reported it; the answer was delivered either way.
    return rest;
  }
}

const LF = 0x0a;

/** The offset just after the last blank line (the end of an SSE event) in `bytes`, or 0. */
function eventBoundary(bytes: Buffer): number {
  for (let i = bytes.length - 1; i > 0; i--) {
    if (bytes[i] !== LF) continue;
    const prev = bytes[i - 1];
    if (prev === LF || (prev === 0x0d && i > 1 && bytes[i - 2] === LF)) return i + 1;
  }
  return 0;
}

/**
 * Passes stream bytes through untouched while observing them; `outcome` settles when the stream ends, fails or is
 * destroyed (a client abort), so the record stage always learns how the call ended.
 */
export function observeStream(
  format: ApiFormat,
  upstream: Readable,
  options: { model: string; firstByteAt: number; request?: Readonly<JsonObject> },
): { stream: Readable; outcome: Promise<CallOutcome> } {
  const parser = new SseParser();
  const obs = newObservation(options.model);
  let settle!: (o: CallOutcome) => void;
  let fail!: (e: unknown) => void;
  const outcome = new Promise<CallOutcome>((res, rej) => {
    settle = res;
    fail = rej;
  });
  outcome.catch(() => undefined);
  // The first ending counts: a stream destroyed after its end (as every finished pipeline is) was not cancelled.
  let ended = false;
  const done = (finishReason?: FinishReason): void => {
    if (ended) return;
    ended = true;
    const doneAt = performance.now();
    if (finishReason) obs.finishReason = finishReason;
    // A cancelled stream's usage is what arrived; counting what nobody received would be a guess.
    completeObservation(obs, finishReason === 'cancelled' ? undefined : options.request).then(
      (o) => settle({ ...o, firstByteAt: options.firstByteAt, doneAt }),
      fail,
    );
  };
  // Bytes after the last complete event wait for the rest of it: a stream that breaks midway then ends on an event
  // boundary, so the error event that follows it is read as one (not glued to half an event).
  let pending: Buffer | undefined;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      for (const event of parser.push(chunk)) observeEvent(format, obs, event);
      const bytes = pending ? Buffer.concat([pending, chunk]) : chunk;
      const cut = eventBoundary(bytes);
      pending = cut < bytes.length ? bytes.subarray(cut) : undefined;
      callback(null, cut > 0 ? (cut < bytes.length ? bytes.subarray(0, cut) : bytes) : undefined);
    },
    flush(callback) {
      for (const event of parser.end()) observeEvent(format, obs, event);
      done();
      callback(null, pending);
    },
    destroy(error, callback) {
      upstream.destroy();
      if (error && !ended) {
        ended = true;
        fail(error);
      } else done('cancelled');
      callback(error);
    },
  });
  upstream.on('error', (error) => tap.destroy(error));
  upstream.pipe(tap);
  return { stream: tap, outcome };
}
