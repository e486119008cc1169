/**
 * Streaming translation: SSE events of one format in, SSE frames of another out, event by event, so the client
 * still sees tokens as the upstream produces them.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { SseParser, sseFrame, type SseEvent } from '../http/sse.js';
import { ANTHROPIC_STOP, FINISH_TO_ANTHROPIC, FINISH_TO_OPENAI, OPENAI_FINISH, usageFromAnthropic, usageFromOpenAI } from '../vocabulary.js';
import type { FinishReason, Usage } from '../provider.js';

type Json = Record<string, unknown>;

export interface StreamTranslator {
  /** Frames to send for one upstream event. */
  onEvent(event: SseEvent): string[];
  /** Frames to send when the upstream stream ends. */
  end(): string[];
}

function parse(data: string): Json | undefined {
  if (data === '[DONE]') return undefined;
  try {
    return JSON.parse(data) as Json;
  } catch {
    return undefined;
  }
}

/** Anthropic Messages events → OpenAI chat.completion.chunk frames. */
export class MessagesToChatStream implements StreamTranslator {
  #id = 'chatcmpl-airlock';
  #model: string;
  #created = Math.floor(Date.now() / 1000);
  #usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  #finish: FinishReason | undefined;
  #toolIndex = -1;
  /** Anthropic content block index → OpenAI tool_call index. */
  #toolOfBlock = new Map<number, number>();
  #finished = false;

  constructor(model: string, private readonly includeUsage: boolean) {
    this.#model = model;
  }

  #chunk(delta: Json, finish: string | null = null): string {
    return sseFrame({
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: this.#model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
  }

  onEvent(event: SseEvent): string[] {
    const data = parse(event.data);
    if (!data) return [];
    switch (data.type) {
      case 'message_start': {
        const message = data.message as Json;
        if (typeof message?.id === 'string') this.#id = `chatcmpl-${message.id.replace(/^msg_/, '')}`;
        if (typeof message?.model === 'string') this.#model = message.model;
        this.#usage = usageFromAnthropic(message?.usage);
        return [this.#chunk({ role: 'assistant', content: '', refusal: null })];
      }
      case 'content_block_start': {
        const block = data.content_block as Json;
        if (block?.type !== 'tool_use') return [];
        const index = ++this.#toolIndex;
        this.#toolOfBlock.set(Number(data.index), index);
        return [this.#chunk({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })];
      }
      case 'content_block_delta': {
        const delta = data.delta as Json;
        if (delta?.type === 'text_delta') return [this.#chunk({ content: delta.text })];
        if (delta?.type === 'input_json_delta') {
          const index = this.#toolOfBlock.get(Number(data.index)) ?? 0;
          return [this.#chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] })];
        }
        return [];
      }
      case 'message_delta': {
        const delta = data.delta as Json;
        if (typeof delta?.stop_reason === 'string') this.#finish = ANTHROPIC_STOP[delta.stop_reason] ?? 'stop';
        const u = usageFromAnthropic(data.usage);
        this.#usage = { ...this.#usage, outputTokens: u.outputTokens || this.#usage.outputTokens };
        return [];
      }
      case 'message_stop':
        return this.#finishFrames();
      case 'error': {
        const error = data.error as Json;
        return [sseFrame({ error: { message: error?.message ?? 'upstream error', type: error?.type ?? 'server_error' } })];
      }
      default:
        return [];
    }
  }

  #finishFrames(): string[] {
    if (this.#finished) return [];
    this.#finished = true;
    const frames = [this.#chunk({}, FINISH_TO_OPENAI[this.#finish ?? 'stop'])];
    if (this.includeUsage) {
      const u = this.#usage;
      frames.push(
        sseFrame({
          id: this.#id,
          object: 'chat.completion.chunk',
          created: this.#created,
          model: this.#model,
          choices: [],
          usage: {
            prompt_tokens: u.inputTokens,
            completion_tokens: u.outputTokens,
            total_tokens: u.inputTokens + u.outputTokens,
            prompt_tokens_details: { cached_tokens: u.cachedInputTokens },
          },
        }),
      );
    }
    frames.push('data: [DONE]\n\n');
    return frames;
  }

  end(): string[] {
    return this.#finished ? [] : this.#finishFrames();
  }
}

/** OpenAI chat.completion.chunk events → Anthropic Messages events. */
export class ChatToMessagesStream implements StreamTranslator {
  #started = false;
  #stopped = false;
  #blockIndex = -1;
  #openBlock: 'text' | 'tool' | undefined;
  /** OpenAI tool_call index → Anthropic block index. */
  #blockOfTool = new Map<number, number>();
  #finish: FinishReason = 'stop';
  #usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

  constructor(private model: string) {}

  #start(data: Json): string[] {
    if (this.#started) return [];
    this.#started = true;
    if (typeof data.model === 'string') this.model = data.model;
    const id = `msg_${String(data.id ?? 'airlock').replace(/^chatcmpl-/, '')}`;
    return [
      sseFrame(
        {
          type: 'message_start',
          message: {
            id,
            type: 'message',
            role: 'assistant',
            model: this.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        },
        'message_start',
      ),
    ];
  }

  #closeBlock(): string[] {
    if (this.#openBlock === undefined) return [];
    this.#openBlock = undefined;
    return [sseFrame({ type: 'content_block_stop', index: this.#blockIndex }, 'content_block_stop')];
  }

  #openText(): string[] {
    if (this.#openBlock === 'text') return [];
    const frames = this.#closeBlock();
    this.#openBlock = 'text';
    this.#blockIndex++;
    frames.push(sseFrame({ type: 'content_block_start', index: this.#blockIndex, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    return frames;
  }

  onEvent(event: SseEvent): string[] {
    const data = parse(event.data);
    if (!data) return [];
    if (data.error) {
      const error = data.error as Json;
      return [sseFrame({ type: 'error', error: { type: 'api_error', message: error.message ?? 'upstream error' } }, 'error')];
    }
    const frames = this.#start(data);
    if (data.usage) this.#usage = usageFromOpenAI(data.usage);
    const choice = (data.choices as Json[] | undefined)?.[0];
    if (!choice) return frames;
    const delta = (choice.delta as Json | undefined) ?? {};
    if (typeof delta.content === 'string' && delta.content) {
      frames.push(...this.#openText());
      frames.push(sseFrame({ type: 'content_block_delta', index: this.#blockIndex, delta: { type: 'text_delta', text: delta.content } }, 'content_block_delta'));
    }
    for (const call of (delta.tool_calls as Json[] | undefined) ?? []) {
      const toolIndex = Number(call.index ?? 0);
      const fn = (call.function as Json | undefined) ?? {};
      if (!this.#blockOfTool.has(toolIndex)) {
        frames.push(...this.#closeBlock());
        this.#openBlock = 'tool';
        this.#blockIndex++;
        this.#blockOfTool.set(toolIndex, this.#blockIndex);
        frames.push(
          sseFrame(
            { type: 'content_block_start', index: this.#blockIndex, content_block: { type: 'tool_use', id: call.id, name: fn.name, input: {} } },
            'content_block_start',
          ),
        );
      }
      if (typeof fn.arguments === 'string' && fn.arguments) {
        frames.push(
          sseFrame(
            { type: 'content_block_delta', index: this.#blockOfTool.get(toolIndex), delta: { type: 'input_json_delta', partial_json: fn.arguments } },
            'content_block_delta',
          ),
        );
      }
    }
    if (typeof choice.finish_reason === 'string') this.#finish = OPENAI_FINISH[choice.finish_reason] ?? 'stop';
    return frames;
  }

  end(): string[] {
    if (this.#stopped) return [];
    this.#stopped = true;
    const frames = this.#start({});
    frames.push(...this.#closeBlock());
    frames.push(
      sseFrame(
        {
          type: 'message_delta',
          delta: { stop_reason: FINISH_TO_ANTHROPIC[this.#finish], stop_sequence: null },
          usage: { input_tokens: this.#usage.inputTokens, output_tokens: this.#usage.outputTokens },
        },
        'message_delta',
      ),
      sseFrame({ type: 'message_stop' }, 'message_stop'),
    );
    return frames;
  }
}

/** Wraps an upstream SSE byte stream: every upstream event is translated and written out at once. */
export function translateStream(upstream: Readable, translator: StreamTranslator): Readable {
  const parser = new SseParser();
  const out = new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      const frames = parser.push(chunk).flatMap((e) => translator.onEvent(e));
      callback(null, frames.length ? frames.join('') : undefined);
    },
    flush(callback) {
      const frames = [...parser.end().flatMap((e) => translator.onEvent(e)), ...translator.end()];
      callback(null, frames.length ? frames.join('') : undefined);
    },
    destroy(error, callback) {
      upstream.destroy();
      callback(error);
    },
  });
  upstream.on('error', (error) => out.destroy(error));
  upstream.pipe(out);
  return out;
}
