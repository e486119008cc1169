/**
 * Streaming translation: SSE events of one format in, SSE frames of another out, event by event, so the client
 * still sees tokens as the upstream produces them.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { SseParser, sseFrame, type SseEvent } from '../http/sse.js';
import { ANTHROPIC_STOP, JSON_ANSWER_TOOL, anthropicFinalUsage, FINISH_TO_ANTHROPIC, FINISH_TO_OPENAI, OPENAI_FINISH, usageFromAnthropic, usageFromOpenAI } from '../vocabulary.js';
import type { FinishReason, Usage } from '../provider.js';

type Json = Record<string, unknown>;

export interface StreamTranslator {
  /** Frames to send for one upstream event. */
  onEvent(event: SseEvent): string[];
  /** Frames to send when the upstream stream ends. */
  end(): string[];
  /**
   * Frames to send when the upstream connection breaks midway, before the caller's error event: what streamed
   * is closed off, and a stop reason already given is reported (never a normal end).
   */
  interrupted?(): string[];
}

function parse(data: string): Json | undefined {
  if (data === '[DONE]') return undefined;
  try {
    return JSON.parse(data) as Json;
  } catch {
    return undefined;
  }
}

/** Anthropic content block kinds as a Chat Completions client sees them (`json`: a structured answer, given as text). */
type BlockKind = 'text' | 'thinking' | 'tool' | 'json' | 'dropped';

/**
 * Anthropic Messages events → OpenAI chat.completion.chunk frames.
 *
 * Text becomes `content`, thinking becomes `reasoning_content` (the field OpenAI-compatible reasoning clients read;
 * its signature, which Chat Completions has no field for, rides in `reasoning_details` as OpenRouter sends it),
 * client tool calls become `tool_calls`. Server-tool activity (`server_tool_use`, `web_search_tool_result` and the
 * like) was carried out by the provider, not asked of the client: it is not a tool call and is left out; citations
 * become `url_citation` annotations over the text they support. Usage is the final `message_delta`'s.
 */
export class MessagesToChatStream implements StreamTranslator {
  #id = 'chatcmpl-airlock';
  #model: string;
  #created = Math.floor(Date.now() / 1000);
  #usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  #finish: FinishReason | undefined;
  #toolIndex = -1;
  /** Anthropic content block index → OpenAI tool_call index. */
  #toolOfBlock = new Map<number, number>();
  #kinds = new Map<number, BlockKind>();
  /** Characters of content sent so far, and where each cited text block began. */
  #textLength = 0;
  #citations = new Map<number, { start: number; cites: Json[] }>();
  #finished = false;

  /** `jsonAnswer`: the request asked for a JSON-schema answer, which comes as the JSON_ANSWER_TOOL's input. */
  constructor(
    model: string,
    private readonly includeUsage: boolean,
    private readonly jsonAnswer = false,
  ) {
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
    if (this.#finished) return [];
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
      case 'content_block_start':
        return this.#blockStart(Number(data.index), data.content_block as Json);
      case 'content_block_delta':
        return this.#blockDelta(Number(data.index), data.delta as Json);
      case 'content_block_stop': {
        const cited = this.#citations.get(Number(data.index));
        if (!cited) return [];
        this.#citations.delete(Number(data.index));
        const annotations = urlCitations(cited.cites, cited.start, this.#textLength);
        return annotations.length ? [this.#chunk({ annotations })] : [];
      }
      case 'message_delta': {
        const delta = data.delta as Json;
        if (typeof delta?.stop_reason === 'string') this.#finish = answerFinish(ANTHROPIC_STOP[delta.stop_reason] ?? 'stop', this.jsonAnswer);
        this.#usage = anthropicFinalUsage(this.#usage, data.usage);
        return [];
      }
      case 'message_stop':
        return this.#finishFrames();
      case 'error': {
        // The SDK raises on this chunk; nothing may follow it as if the answer had ended well.
        this.#finished = true;
        const error = data.error as Json;
        return [sseFrame({ error: { message: error?.message ?? 'upstream error', type: openaiErrorType(error?.type), param: null, code: error?.type ?? null } })];
      }
      default:
        return [];
    }
  }

  #blockStart(index: number, block: Json | undefined): string[] {
    switch (block?.type) {
      case 'tool_use': {
        if (this.jsonAnswer && block.name === JSON_ANSWER_TOOL) {
          this.#kinds.set(index, 'json');
          return [];
        }
        this.#kinds.set(index, 'tool');
        const toolIndex = ++this.#toolIndex;
        this.#toolOfBlock.set(index, toolIndex);
        return [this.#chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })];
      }
      case 'text': {
        this.#kinds.set(index, 'text');
        if (Array.isArray(block.citations)) this.#citations.set(index, { start: this.#textLength, cites: [...(block.citations as Json[])] });
        const text = typeof block.text === 'string' ? block.text : '';
        if (!text) return [];
        this.#textLength += text.length;
        return [this.#chunk({ content: text })];
      }
      case 'thinking':
        this.#kinds.set(index, 'thinking');
        return [];
      default:
        this.#kinds.set(index, 'dropped');
        return [];
    }
  }

  #blockDelta(index: number, delta: Json | undefined): string[] {
    const kind = this.#kinds.get(index);
    if (!delta || kind === 'dropped' || kind === undefined) return [];
    switch (delta.type) {
      case 'text_delta': {
        const text = String(delta.text ?? '');
        this.#textLength += text.length;
        return [this.#chunk({ content: text })];
      }
      case 'citations_delta': {
        let cited = this.#citations.get(index);
        if (!cited) this.#citations.set(index, (cited = { start: this.#textLength, cites: [] }));
        cited.cites.push(delta.citation as Json);
        return [];
      }
      case 'input_json_delta': {
        if (kind === 'json') {
          const text = String(delta.partial_json ?? '');
          this.#textLength += text.length;
          return text ? [this.#chunk({ content: text })] : [];
        }
        const toolIndex = this.#toolOfBlock.get(index);
        if (toolIndex === undefined || !delta.partial_json) return [];
        return [this.#chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] })];
      }
      case 'thinking_delta':
        return [this.#chunk({ reasoning_content: delta.thinking })];
      case 'signature_delta':
        return [this.#chunk({ reasoning_details: [{ type: 'reasoning.text', signature: delta.signature, format: ANTHROPIC_REASONING_FORMAT, index: 0 }] })];
      default:
        return [];
    }
  }

  #finishFrames(): string[] {
    if (this.#finished) return [];
    this.#finished = true;
    const frames = [this.#chunk({}, FINISH_TO_OPENAI[this.#finish ?? 'stop'])];
    if (this.includeUsage) {
      frames.push(
        sseFrame({ id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [], usage: chatUsage(this.#usage) }),
      );
    }
    frames.push('data: [DONE]\n\n');
    return frames;
  }

  end(): string[] {
    return this.#finished ? [] : this.#finishFrames();
  }

  interrupted(): string[] {
    if (this.#finished || this.#finish === undefined) return [];
    this.#finished = true;
    return [this.#chunk({}, FINISH_TO_OPENAI[this.#finish])];
  }
}

/** OpenAI Chat Completions usage from canonical usage (prompt tokens include cached ones). */
export function chatUsage(u: Usage): Json {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens },
  };
}

/** Anthropic usage from canonical usage: Anthropic counts cache reads apart from `input_tokens`. */
export function anthropicUsage(u: Usage): Json {
  return { input_tokens: u.inputTokens - u.cachedInputTokens, cache_read_input_tokens: u.cachedInputTokens, output_tokens: u.outputTokens };
}

/**
 * Citations with a URL (web search results) as OpenAI `url_citation` annotations over [start, end) of the text;
 * document citations have no URL and no OpenAI equivalent.
 */
export function urlCitations(cites: readonly Json[], start: number, end: number): Json[] {
  return cites
    .filter((c) => typeof c?.url === 'string')
    .map((c) => ({ type: 'url_citation', url_citation: { url: c.url, title: c.title ?? '', start_index: start, end_index: end } }));
}

/** A structured answer's forced tool call is the answer, not a call for the client to make. */
export function answerFinish(finish: FinishReason, jsonAnswer: boolean): FinishReason {
  return jsonAnswer && finish === 'tool_calls' ? 'stop' : finish;
}

/** The `format` OpenRouter gives Anthropic reasoning in `reasoning_details`. */
export const ANTHROPIC_REASONING_FORMAT = 'anthropic-claude-v1';

function openaiErrorType(anthropicType: unknown): string {
  if (anthropicType === 'rate_limit_error') return 'rate_limit_exceeded';
  if (anthropicType === 'invalid_request_error') return 'invalid_request_error';
  return 'server_error';
}

/**
 * OpenAI chat.completion.chunk events → Anthropic Messages events. Only choice 0 is read (a translated request
 * never asks for more). `reasoning_content` (or OpenRouter's `reasoning`) becomes a thinking block, a refusal
 * becomes text and ends the message with `stop_reason: "refusal"`. An error chunk midway closes what was open and
 * reports the stop reason already given before the error event, so nothing that streamed is lost.
 */
export class ChatToMessagesStream implements StreamTranslator {
  #started = false;
  #stopped = false;
  #blockIndex = -1;
  #openBlock: 'text' | 'thinking' | 'tool' | undefined;
  /** OpenAI tool_call index → Anthropic block index. */
  #blockOfTool = new Map<number, number>();
  #finish: FinishReason | undefined;
  #refused = false;
  #usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

  /** `inputTokens`: the prompt's size as counted before the call, for `message_start` (the upstream tells only at the end). */
  constructor(
    private model: string,
    private readonly inputTokens: () => number = () => 0,
  ) {}

  #start(data: Json): string[] {
    if (this.#started) return [];
    this.#started = true;
    if (typeof data.model === 'string' && data.model) this.model = data.model;
    const id = `msg_${String(data.id || 'airlock').replace(/^chatcmpl-/, '')}`;
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
            usage: { input_tokens: this.inputTokens(), output_tokens: 0 },
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

  #open(kind: 'text' | 'thinking'): string[] {
    if (this.#openBlock === kind) return [];
    const frames = this.#closeBlock();
    this.#openBlock = kind;
    this.#blockIndex++;
    const block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    frames.push(sseFrame({ type: 'content_block_start', index: this.#blockIndex, content_block: block }, 'content_block_start'));
    return frames;
  }

  #delta(delta: Json): string {
    return sseFrame({ type: 'content_block_delta', index: this.#blockIndex, delta }, 'content_block_delta');
  }

  onEvent(event: SseEvent): string[] {
    if (this.#stopped) return [];
    const data = parse(event.data);
    if (!data) return [];
    if (data.error) return this.#fail(data.error as Json);
    if (data.usage) this.#usage = usageFromOpenAI(data.usage);
    const choice = (data.choices as Json[] | undefined)?.find((c) => (c.index ?? 0) === 0);
    // Azure opens with a chunk that has no choices (only prompt filter results) and no id: the message starts later.
    if (!choice) return [];
    const frames = this.#start(data);
    const delta = (choice.delta as Json | undefined) ?? {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning) {
      frames.push(...this.#open('thinking'), this.#delta({ type: 'thinking_delta', thinking: reasoning }));
    }
    for (const detail of (delta.reasoning_details as Json[] | undefined) ?? []) {
      if (typeof detail.signature === 'string' && detail.signature && this.#openBlock === 'thinking') {
        frames.push(this.#delta({ type: 'signature_delta', signature: detail.signature }));
      }
    }
    if (typeof delta.content === 'string' && delta.content) frames.push(...this.#open('text'), this.#delta({ type: 'text_delta', text: delta.content }));
    if (typeof delta.refusal === 'string' && delta.refusal) {
      this.#refused = true;
      frames.push(...this.#open('text'), this.#delta({ type: 'text_delta', text: delta.refusal }));
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
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== 'error') this.#finish = OPENAI_FINISH[choice.finish_reason] ?? 'stop';
    return frames;
  }

  #stopReason(): string {
    return this.#refused ? 'refusal' : FINISH_TO_ANTHROPIC[this.#finish ?? 'stop'];
  }

  #messageDelta(): string {
    return sseFrame(
      { type: 'message_delta', delta: { stop_reason: this.#stopReason(), stop_sequence: null }, usage: anthropicUsage(this.#usage) },
      'message_delta',
    );
  }

  /** An error chunk midway: what was open is closed, a stop reason already given is reported, then the error. */
  #fail(error: Json): string[] {
    this.#stopped = true;
    const frames = this.#started ? this.#closeBlock() : [];
    if (this.#started && this.#finish !== undefined) frames.push(this.#messageDelta());
    const type = error.type === 'rate_limit_exceeded' || error.code === 429 ? 'rate_limit_error' : error.code === 529 ? 'overloaded_error' : 'api_error';
    frames.push(sseFrame({ type: 'error', error: { type, message: error.message ?? 'upstream error' } }, 'error'));
    return frames;
  }

  end(): string[] {
    if (this.#stopped) return [];
    this.#stopped = true;
    const frames = this.#start({});
    frames.push(...this.#closeBlock(), this.#messageDelta(), sseFrame({ type: 'message_stop' }, 'message_stop'));
    return frames;
  }

  interrupted(): string[] {
    if (this.#stopped || !this.#started) return [];
    this.#stopped = true;
    const frames = this.#closeBlock();
    if (this.#finish !== undefined) frames.push(this.#messageDelta());
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
  upstream.on('error', (error) => {
    const frames = translator.interrupted?.() ?? [];
    if (frames.length) out.push(frames.join(''));
    destroyOnceRead(out, error);
  });
  upstream.pipe(out);
  return out;
}

/** Destroying a stream drops what it still holds: the last frames are read first. */
function destroyOnceRead(stream: Readable, error: Error): void {
  if (stream.readableLength === 0 || stream.destroyed) stream.destroy(error);
  else stream.once('data', () => setImmediate(() => destroyOnceRead(stream, error)));
}
