/**
 * OpenAI Responses ↔ Anthropic Messages: a Responses client (the Vercel AI SDK's default, the OpenAI SDK's
 * `responses.create`) on an Anthropic-served model. Requests: instructions, input items (messages, function calls
 * and their outputs, reasoning given back), tools, tool choice and reasoning effort. Answers, whole and streamed:
 * text as a `message` item (citations as `url_citation` annotations), tool calls as `function_call` items, thinking
 * as a `reasoning` item (its summary the thinking text, its `encrypted_content` Anthropic's signature, so giving
 * the item back restores the signed thinking block), web searches as `web_search_call` items; usage and stop reasons.
 *
 * The gateway keeps no conversation state: `previous_response_id`, `conversation` and item references would need
 * the provider's stored responses, which an Anthropic model does not have, so they are refused with a clear error.
 * `store` is accepted and answered `store: false`; `background` is refused.
 */
import { randomBytes } from 'node:crypto';
import { UnsupportedTranslationError } from '../errors.js';
import { sseFrame, type SseEvent } from '../http/sse.js';
import type { FinishReason, Usage } from '../provider.js';
import { ANTHROPIC_STOP, JSON_ANSWER_TOOL, anthropicFinalUsage, usageFromAnthropic } from '../vocabulary.js';
import { DEFAULT_ANTHROPIC_MAX_TOKENS, THINKING_BUDGET, askForStructuredAnswer, asArray, jsonAnswerSchema, parseArguments, pushTurn } from './requests.js';
import { answerFinish, type StreamTranslator } from './streams.js';

type Json = Record<string, unknown>;

function refuse(field: string, why: string): never {
  throw new UnsupportedTranslationError(`\`${field}\` cannot be served by an Anthropic model through the gateway: ${why}`, field);
}

/** Responses content parts → Anthropic blocks. */
function contentBlocks(content: unknown): Json[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return asArray(content).flatMap((raw): Json[] => {
    const p = raw as Json;
    switch (p.type) {
      case 'input_text':
      case 'output_text':
      case 'text':
        return typeof p.text === 'string' && p.text ? [{ type: 'text', text: p.text }] : [];
      case 'refusal':
        return typeof p.refusal === 'string' ? [{ type: 'text', text: p.refusal }] : [];
      case 'input_image': {
        const url = typeof p.image_url === 'string' ? p.image_url : '';
        if (!url) return refuse('input[].content[].file_id', 'uploaded files live at OpenAI; send the image as image_url');
        const data = /^data:([^;]+);base64,(.*)$/s.exec(url);
        return [data ? { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } } : { type: 'image', source: { type: 'url', url } }];
      }
      case 'input_file': {
        const data = typeof p.file_data === 'string' ? /^data:([^;]+);base64,(.*)$/s.exec(p.file_data) : null;
        if (!data) return refuse('input[].content[].file_id', 'uploaded files live at OpenAI; send the file as file_data');
        return [{ type: 'document', source: { type: 'base64', media_type: data[1], data: data[2] }, ...(typeof p.filename === 'string' ? { title: p.filename } : {}) }];
      }
      default:
        return [];
    }
  });
}

function toolResultContent(output: unknown): unknown {
  if (typeof output === 'string') return output;
  const blocks = contentBlocks(output);
  return blocks.length ? blocks : JSON.stringify(output ?? '');
}

/** Responses tools → Anthropic tools: functions, and web search as Anthropic's web search server tool. */
function tools(list: unknown): Json[] {
  return asArray(list).map((raw) => {
    const t = raw as Json;
    if (t.type === 'function') return { name: t.name, ...(t.description ? { description: t.description } : {}), input_schema: t.parameters ?? { type: 'object', properties: {} } };
    if (t.type === 'web_search' || t.type === 'web_search_preview') return { type: 'web_search_20250305', name: 'web_search' };
    return refuse('tools', `the \`${String(t.type)}\` tool runs only at OpenAI`);
  });
}

export function responsesToMessagesRequest(body: Json, upstreamModel: string): Json {
  if (body.previous_response_id) refuse('previous_response_id', 'the gateway keeps no responses; send the whole conversation as input items');
  if (body.conversation) refuse('conversation', 'the gateway keeps no conversations; send the whole conversation as input items');
  if (body.background === true) refuse('background', 'background responses need OpenAI to hold them');
  const system: string[] = [];
  if (typeof body.instructions === 'string' && body.instructions) system.push(body.instructions);
  const messages: Json[] = [];
  const input = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : asArray(body.input);
  for (const raw of input) {
    const item = raw as Json;
    const type = item.type ?? (item.role ? 'message' : undefined);
    switch (type) {
      case 'message': {
        const role = item.role;
        if (role === 'system' || role === 'developer') {
          const text = contentBlocks(item.content)
            .map((b) => b.text)
            .filter(Boolean)
            .join('');
          if (text) system.push(text);
        } else pushTurn(messages, role === 'assistant' ? 'assistant' : 'user', contentBlocks(item.content));
        break;
      }
      case 'function_call':
        pushTurn(messages, 'assistant', [{ type: 'tool_use', id: item.call_id, name: item.name, input: parseArguments(item.arguments) }]);
        break;
      case 'function_call_output':
        pushTurn(messages, 'user', [{ type: 'tool_result', tool_use_id: item.call_id, content: toolResultContent(item.output) }]);
        break;
      case 'reasoning': {
        // Only signed thinking can go back to Anthropic; a summary alone is not the model's thinking.
        if (typeof item.encrypted_content !== 'string' || !item.encrypted_content) break;
        const text = asArray(item.summary)
          .map((s) => String((s as Json).text ?? ''))
          .join('');
        pushTurn(messages, 'assistant', [{ type: 'thinking', thinking: text, signature: item.encrypted_content }]);
        break;
      }
      case 'web_search_call':
        // The search ran at the provider; its results are in the text that followed.
        break;
      case 'item_reference':
        refuse('input[].item_reference', 'the gateway keeps no items; send the item itself');
        break;
      default:
        refuse('input', `input items of type \`${String(type)}\` have no Anthropic equivalent`);
    }
  }
  const maxTokens = Number(body.max_output_tokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS);
  const out: Json = { model: upstreamModel, messages, max_tokens: maxTokens };
  const effort = (body.reasoning as Json | undefined)?.effort;
  const budget = typeof effort === 'string' ? THINKING_BUDGET[effort] : undefined;
  if (budget !== undefined && maxTokens > 1024) out.thinking = { type: 'enabled', budget_tokens: Math.min(budget, maxTokens - 1) };
  else if (typeof body.temperature === 'number') out.temperature = Math.min(body.temperature, 1);
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (body.stream) out.stream = true;
  const user = body.safety_identifier ?? body.user;
  if (typeof user === 'string') out.metadata = { user_id: user };
  const t = tools(body.tools);
  if (t.length) out.tools = t;
  const choice = body.tool_choice as Json | string | undefined;
  if (choice === 'auto') out.tool_choice = { type: 'auto' };
  else if (choice === 'required') out.tool_choice = { type: 'any' };
  else if (choice === 'none') out.tool_choice = { type: 'none' };
  else if (choice && typeof choice === 'object' && choice.type === 'function') out.tool_choice = { type: 'tool', name: choice.name };
  if (body.parallel_tool_calls === false && t.length) out.tool_choice = { ...((out.tool_choice as Json | undefined) ?? { type: 'auto' }), disable_parallel_tool_use: true };
  askForStructuredAnswer(body, out, system);
  if (system.length) out.system = system.join('\n\n');
  return out;
}

const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

/** Responses usage from canonical usage (input tokens include cached ones). */
function responsesUsage(u: Usage): Json {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

/** A Responses status for a canonical finish reason. */
function statusOf(finish: FinishReason | undefined): { status: 'completed' | 'incomplete'; incomplete_details: Json | null } {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** The response object around the output, echoing the request's settings as OpenAI does. */
function responseObject(id: string, model: string, request: Json, extra: Json): Json {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: (request.reasoning as Json | undefined)?.effort ?? null, summary: null },
    store: false,
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: null,
    user: null,
    metadata: request.metadata ?? {},
    ...extra,
  };
}

function urlAnnotation(c: Json, start: number, end: number): Json | undefined {
  return typeof c.url === 'string' ? { type: 'url_citation', url: c.url, title: c.title ?? '', start_index: start, end_index: end } : undefined;
}

/** Output items being built, whole or event by event. */
class OutputBuilder {
  readonly items: Json[] = [];
  #message: { item: Json; part: Json } | undefined;

  /** The open message item's text part, opened if needed; `opened` says whether it was. */
  text(): { item: Json; part: Json; opened: boolean } {
    if (this.#message) return { ...this.#message, opened: false };
    const part: Json = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    const item: Json = { id: newId('msg'), type: 'message', status: 'in_progress', role: 'assistant', content: [part] };
    this.items.push(item);
    this.#message = { item, part };
    return { item, part, opened: true };
  }

  /** Closes the open message item, returning it. */
  closeText(): { item: Json; part: Json } | undefined {
    const open = this.#message;
    if (open) open.item.status = 'completed';
    this.#message = undefined;
    return open;
  }

  add(item: Json): number {
    this.closeText();
    this.items.push(item);
    return this.items.length - 1;
  }

  indexOf(item: Json): number {
    return this.items.indexOf(item);
  }
}

function thinkingItem(thinking: string, signature: string): Json {
  return { id: newId('rs'), type: 'reasoning', summary: thinking ? [{ type: 'summary_text', text: thinking }] : [], encrypted_content: signature || null };
}

function functionCallItem(block: Json, args: string): Json {
  return { id: newId('fc'), type: 'function_call', status: 'completed', arguments: args, call_id: block.id, name: block.name };
}

function webSearchItem(block: Json, input: unknown): Json {
  const query = (input as Json | undefined)?.query;
  return { id: String(block.id ?? newId('ws')), type: 'web_search_call', status: 'completed', action: { type: 'search', ...(typeof query === 'string' ? { query } : {}) } };
}

export function messagesToResponsesResponse(msg: Json, clientModel: string, request: Json): Json {
  const out = new OutputBuilder();
  const jsonAnswer = jsonAnswerSchema(request) !== undefined;
  for (const b of (msg.content as Json[] | undefined) ?? []) {
    if (jsonAnswer && b.type === 'tool_use' && b.name === JSON_ANSWER_TOOL) {
      const { part } = out.text();
      part.text = String(part.text) + JSON.stringify(b.input ?? {});
      continue;
    }
    switch (b.type) {
      case 'text': {
        const { part } = out.text();
        const start = String(part.text).length;
        part.text = String(part.text) + String(b.text ?? '');
        for (const c of asArray(b.citations) as Json[]) {
          const a = urlAnnotation(c, start, String(part.text).length);
          if (a) (part.annotations as Json[]).push(a);
        }
        break;
      }
      case 'thinking':
        out.add(thinkingItem(String(b.thinking ?? ''), String(b.signature ?? '')));
        break;
      case 'tool_use':
        out.add(functionCallItem(b, JSON.stringify(b.input ?? {})));
        break;
      case 'server_tool_use':
        if (b.name === 'web_search') out.add(webSearchItem(b, b.input));
        break;
      default:
        // Server-tool results and other provider-side blocks: their content reaches the client through the text.
        break;
    }
  }
  out.closeText();
  const finish = answerFinish(ANTHROPIC_STOP[String(msg.stop_reason)] ?? 'stop', jsonAnswer);
  return responseObject(`resp_${String(msg.id ?? newId('msg')).replace(/^msg_/, '')}`, typeof msg.model === 'string' ? msg.model : clientModel, request, {
    ...statusOf(finish),
    output: out.items,
    usage: responsesUsage(usageFromAnthropic(msg.usage)),
  });
}

type OpenBlock =
  | { kind: 'text'; from: number; cites: Json[] }
  | { kind: 'json' }
  | { kind: 'thinking'; item: Json; text: string; signature: string }
  | { kind: 'tool'; item: Json; args: string }
  | { kind: 'search'; block: Json; args: string }
  | { kind: 'dropped' };

/** Anthropic Messages events → OpenAI Responses events, with the response's sequence numbers. */
export class MessagesToResponsesStream implements StreamTranslator {
  #seq = 0;
  #response: Json | undefined;
  #out = new OutputBuilder();
  #blocks = new Map<number, OpenBlock>();
  #usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  #finish: FinishReason | undefined;
  #done = false;
  readonly #jsonAnswer: boolean;

  constructor(
    private readonly model: string,
    private readonly request: Json,
  ) {
    this.#jsonAnswer = jsonAnswerSchema(request) !== undefined;
  }

  #event(type: string, data: Json): string {
    return sseFrame({ type, ...data, sequence_number: this.#seq++ }, type);
  }

  #snapshot(extra: Json = {}): Json {
    return { ...this.#response, output: this.#out.items, ...extra };
  }

  onEvent(event: SseEvent): string[] {
    if (this.#done || event.data === '[DONE]') return [];
    let data: Json;
    try {
      data = JSON.parse(event.data) as Json;
    } catch {
      return [];
    }
    switch (data.type) {
      case 'message_start': {
        const message = data.message as Json;
        this.#usage = usageFromAnthropic(message?.usage);
        const id = `resp_${String(message?.id ?? newId('msg')).replace(/^msg_/, '')}`;
        this.#response = responseObject(id, typeof message?.model === 'string' ? message.model : this.model, this.request, {});
        return [this.#event('response.created', { response: this.#snapshot() }), this.#event('response.in_progress', { response: this.#snapshot() })];
      }
      case 'content_block_start':
        return this.#blockStart(Number(data.index), data.content_block as Json);
      case 'content_block_delta':
        return this.#blockDelta(Number(data.index), data.delta as Json);
      case 'content_block_stop':
        return this.#blockStop(Number(data.index));
      case 'message_delta': {
        const delta = data.delta as Json | undefined;
        if (typeof delta?.stop_reason === 'string') this.#finish = answerFinish(ANTHROPIC_STOP[delta.stop_reason] ?? 'stop', this.#jsonAnswer);
        this.#usage = anthropicFinalUsage(this.#usage, data.usage);
        return [];
      }
      case 'message_stop':
        return this.#complete();
      case 'error': {
        this.#done = true;
        const error = data.error as Json | undefined;
        return [this.#event('error', { code: error?.type ?? 'server_error', message: error?.message ?? 'upstream error', param: null })];
      }
      default:
        return [];
    }
  }

  #closeText(): string[] {
    const open = this.#out.closeText();
    if (!open) return [];
    const output_index = this.#out.indexOf(open.item);
    const item_id = open.item.id;
    return [
      this.#event('response.output_text.done', { item_id, output_index, content_index: 0, text: open.part.text, logprobs: [] }),
      this.#event('response.content_part.done', { item_id, output_index, content_index: 0, part: open.part }),
      this.#event('response.output_item.done', { output_index, item: open.item }),
    ];
  }

  #addItem(item: Json): string[] {
    const frames = this.#closeText();
    const output_index = this.#out.add(item);
    frames.push(this.#event('response.output_item.added', { output_index, item: { ...item, status: 'in_progress' } }));
    return frames;
  }

  #text(delta: string): string[] {
    const { item, part, opened } = this.#out.text();
    const output_index = this.#out.indexOf(item);
    const frames: string[] = [];
    if (opened) {
      frames.push(this.#event('response.output_item.added', { output_index, item: { ...item, content: [] } }));
      frames.push(this.#event('response.content_part.added', { item_id: item.id, output_index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }));
    }
    if (delta) {
      part.text = String(part.text) + delta;
      frames.push(this.#event('response.output_text.delta', { item_id: item.id, output_index, content_index: 0, delta, logprobs: [] }));
    }
    return frames;
  }

  #blockStart(index: number, block: Json | undefined): string[] {
    switch (block?.type) {
      case 'text': {
        // Where this block's text begins in the part: its citations cover what it adds.
        const from = String(this.#out.text().part.text).length;
        this.#blocks.set(index, { kind: 'text', from, cites: [] });
        return this.#text(typeof block.text === 'string' ? block.text : '');
      }
      case 'thinking': {
        const item = { id: newId('rs'), type: 'reasoning', summary: [] as Json[], encrypted_content: null as string | null };
        this.#blocks.set(index, { kind: 'thinking', item, text: '', signature: '' });
        const frames = this.#addItem(item);
        frames.push(
          this.#event('response.reasoning_summary_part.added', { item_id: item.id, output_index: this.#out.indexOf(item), summary_index: 0, part: { type: 'summary_text', text: '' } }),
        );
        return frames;
      }
      case 'tool_use': {
        if (this.#jsonAnswer && block.name === JSON_ANSWER_TOOL) {
          this.#blocks.set(index, { kind: 'json' });
          return this.#text('');
        }
        const item = { id: newId('fc'), type: 'function_call', status: 'in_progress', arguments: '', call_id: block.id, name: block.name };
        this.#blocks.set(index, { kind: 'tool', item, args: '' });
        return this.#addItem(item);
      }
      case 'server_tool_use':
        this.#blocks.set(index, block.name === 'web_search' ? { kind: 'search', block, args: '' } : { kind: 'dropped' });
        return [];
      default:
        this.#blocks.set(index, { kind: 'dropped' });
        return [];
    }
  }

  #blockDelta(index: number, delta: Json | undefined): string[] {
    const open = this.#blocks.get(index);
    if (!open || !delta) return [];
    if (open.kind === 'text') {
      if (delta.type === 'text_delta') return this.#text(String(delta.text ?? ''));
      if (delta.type === 'citations_delta') open.cites.push(delta.citation as Json);
      return [];
    }
    if (open.kind === 'json') return delta.type === 'input_json_delta' ? this.#text(String(delta.partial_json ?? '')) : [];
    if (open.kind === 'thinking') {
      if (delta.type === 'thinking_delta') {
        const piece = String(delta.thinking ?? '');
        open.text += piece;
        return [this.#event('response.reasoning_summary_text.delta', { item_id: open.item.id, output_index: this.#out.indexOf(open.item), summary_index: 0, delta: piece })];
      }
      if (delta.type === 'signature_delta') open.signature += String(delta.signature ?? '');
      return [];
    }
    if ((open.kind === 'tool' || open.kind === 'search') && delta.type === 'input_json_delta') {
      const piece = String(delta.partial_json ?? '');
      open.args += piece;
      if (open.kind === 'tool' && piece) {
        return [this.#event('response.function_call_arguments.delta', { item_id: open.item.id, output_index: this.#out.indexOf(open.item), delta: piece })];
      }
    }
    return [];
  }

  #blockStop(index: number): string[] {
    const open = this.#blocks.get(index);
    this.#blocks.delete(index);
    if (!open) return [];
    switch (open.kind) {
      case 'text': {
        if (!open.cites.length) return [];
        const { item, part } = this.#out.text();
        const output_index = this.#out.indexOf(item);
        const annotations = part.annotations as Json[];
        return open.cites.flatMap((c) => {
          const annotation = urlAnnotation(c, open.from, String(part.text).length);
          if (!annotation) return [];
          annotations.push(annotation);
          return [this.#event('response.output_text.annotation.added', { item_id: item.id, output_index, content_index: 0, annotation_index: annotations.length - 1, annotation })];
        });
      }
      case 'thinking': {
        const { item } = open;
        const output_index = this.#out.indexOf(item);
        const part = { type: 'summary_text', text: open.text };
        item.summary = open.text ? [part] : [];
        item.encrypted_content = open.signature || null;
        return [
          this.#event('response.reasoning_summary_text.done', { item_id: item.id, output_index, summary_index: 0, text: open.text }),
          this.#event('response.reasoning_summary_part.done', { item_id: item.id, output_index, summary_index: 0, part }),
          this.#event('response.output_item.done', { output_index, item }),
        ];
      }
      case 'tool': {
        const { item } = open;
        const output_index = this.#out.indexOf(item);
        item.arguments = open.args || '{}';
        item.status = 'completed';
        return [
          this.#event('response.function_call_arguments.done', { item_id: item.id, output_index, name: item.name, arguments: item.arguments }),
          this.#event('response.output_item.done', { output_index, item }),
        ];
      }
      case 'search': {
        const item = webSearchItem(open.block, parseArguments(open.args));
        const frames = this.#addItem(item);
        const output_index = this.#out.indexOf(item);
        for (const phase of ['in_progress', 'searching', 'completed']) frames.push(this.#event(`response.web_search_call.${phase}`, { item_id: item.id, output_index }));
        frames.push(this.#event('response.output_item.done', { output_index, item }));
        return frames;
      }
      default:
        return [];
    }
  }

  #complete(): string[] {
    if (this.#done) return [];
    this.#done = true;
    const frames = this.#closeText();
    const { status, incomplete_details } = statusOf(this.#finish);
    const response = this.#snapshot({ status, incomplete_details, usage: responsesUsage(this.#usage) });
    frames.push(this.#event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response }));
    return frames;
  }

  end(): string[] {
    // A stream that ended without message_stop was cut short: the client must not see it as complete.
    return [];
  }
}
