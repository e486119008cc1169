/**
 * Reads usage, finish reason and served model out of responses as they pass, in every client format, without
 * changing a byte: non-streaming bodies are parsed once; streams are tapped event by event.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { SseParser, type SseEvent } from './http/sse.js';
import type { ApiFormat, CallOutcome, FinishReason, Usage } from './provider.js';
import { ANTHROPIC_STOP, EMPTY_USAGE, OPENAI_FINISH, mergeUsage, usageFromAnthropic, usageFromOpenAI } from './vocabulary.js';

export interface Observation {
  usage: Usage;
  finishReason: FinishReason;
  servedModel: string;
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
      if (data.usage) obs.usage = usageFromOpenAI(data.usage);
      if (data.error) obs.finishReason = 'error';
      return;
    }
    case 'openai.responses': {
      const response = data.response as JsonObject | undefined;
      if (response && typeof response.model === 'string') obs.servedModel = response.model;
      if (data.type === 'response.completed' && response) {
        obs.usage = usageFromOpenAI(response.usage);
        obs.finishReason = responsesFinish(response);
      } else if (data.type === 'response.incomplete') obs.finishReason = 'length';
      else if (data.type === 'response.failed' || data.type === 'error') obs.finishReason = 'error';
      return;
    }
    case 'anthropic.messages': {
      if (data.type === 'message_start') {
        const message = data.message as JsonObject;
        if (typeof message?.model === 'string') obs.servedModel = message.model;
        obs.usage = usageFromAnthropic(message?.usage);
      } else if (data.type === 'message_delta') {
        const delta = data.delta as JsonObject | undefined;
        if (typeof delta?.stop_reason === 'string') obs.finishReason = ANTHROPIC_STOP[delta.stop_reason] ?? 'stop';
        const u = usageFromAnthropic(data.usage);
        obs.usage = mergeUsage(obs.usage, { outputTokens: u.outputTokens, ...(u.inputTokens ? { inputTokens: u.inputTokens } : {}) });
      } else if (data.type === 'error') obs.finishReason = 'error';
      return;
    }
    case 'openai.embeddings':
      return;
  }
}

function responsesFinish(response: JsonObject): FinishReason {
  if (response.status === 'incomplete') return 'length';
  const output = response.output as JsonObject[] | undefined;
  return output?.some((item) => item.type === 'function_call') ? 'tool_calls' : 'stop';
}

/** The observation of a complete, non-streaming response body. */
export function observeBody(format: ApiFormat, body: JsonObject, fallbackModel: string): Observation {
  const servedModel = typeof body.model === 'string' ? body.model : fallbackModel;
  switch (format) {
    case 'openai.chat': {
      const reason = (body.choices as JsonObject[] | undefined)?.[0]?.finish_reason;
      return { usage: usageFromOpenAI(body.usage), finishReason: OPENAI_FINISH[String(reason)] ?? 'stop', servedModel };
    }
    case 'openai.responses':
      return { usage: usageFromOpenAI(body.usage), finishReason: responsesFinish(body), servedModel };
    case 'openai.embeddings':
      return { usage: usageFromOpenAI(body.usage), finishReason: 'stop', servedModel };
    case 'anthropic.messages':
      return {
        usage: usageFromAnthropic(body.usage),
        finishReason: ANTHROPIC_STOP[String(body.stop_reason)] ?? 'stop',
        servedModel,
      };
  }
}

export function newObservation(model: string): Observation {
  return { usage: EMPTY_USAGE, finishReason: 'stop', servedModel: model };
}

/**
 * Passes stream bytes through untouched while observing them; `outcome` settles when the stream ends, fails or is
 * destroyed (a client abort), so the record stage always learns how the call ended.
 */
export function observeStream(
  format: ApiFormat,
  upstream: Readable,
  options: { model: string; firstByteAt: number },
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
  const done = (finishReason?: FinishReason): void =>
    settle({ ...obs, finishReason: finishReason ?? obs.finishReason, firstByteAt: options.firstByteAt, doneAt: performance.now() });
  const tap = new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      for (const event of parser.push(chunk)) observeEvent(format, obs, event);
      callback(null, chunk);
    },
    flush(callback) {
      for (const event of parser.end()) observeEvent(format, obs, event);
      done();
      callback();
    },
    destroy(error, callback) {
      upstream.destroy();
      if (error) fail(error);
      else done('cancelled');
      callback(error);
    },
  });
  upstream.on('error', (error) => tap.destroy(error));
  upstream.pipe(tap);
  return { stream: tap, outcome };
}
