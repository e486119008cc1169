/**
 * Request translation between OpenAI Chat Completions and Anthropic Messages: system prompts, messages and content
 * parts, tools and tool results, tool choice, sampling and stop parameters.
 */
import { UnsupportedTranslationError } from '../errors.js';
import { JSON_ANSWER_TOOL } from '../vocabulary.js';
import { thinkingBlocks } from './bodies.js';

type Json = Record<string, unknown>;

export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/** Thinking budgets for OpenAI's `reasoning_effort` on an Anthropic model (Anthropic's minimum budget is 1024). */
export const THINKING_BUDGET: Readonly<Record<string, number>> = { low: 1024, medium: 4096, high: 16_384 };

export const asArray = (x: unknown): unknown[] => (Array.isArray(x) ? x : x === undefined || x === null ? [] : [x]);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((part) => {
      const p = part as Json;
      return typeof p?.text === 'string' ? p.text : '';
    })
    .join('');
}

/** A tool call's arguments as JSON; text that is not JSON is kept, under `_raw`, rather than lost. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  try {
    return JSON.parse(args);
  } catch {
    return { _raw: args };
  }
}

function openaiPartToAnthropic(part: Json): Json | undefined {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image_url') {
    const url = String((part.image_url as Json | undefined)?.url ?? '');
    const data = /^data:([^;]+);base64,(.*)$/s.exec(url);
    return data
      ? { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } }
      : { type: 'image', source: { type: 'url', url } };
  }
  return undefined;
}

/** Anthropic wants user/assistant turns to alternate; consecutive same-role turns are merged. */
export function pushTurn(messages: Json[], role: 'user' | 'assistant', blocks: Json[]): void {
  if (!blocks.length) return;
  const last = messages[messages.length - 1];
  if (last && last.role === role) (last.content as Json[]).push(...blocks);
  else messages.push({ role, content: blocks });
}

/** The JSON schema a Chat Completions or Responses request wants its answer in, if any. */
export function jsonAnswerSchema(body: Readonly<Json>): Json | undefined {
  const chat = body.response_format as Json | undefined;
  const responses = (body.text as Json | undefined)?.format as Json | undefined;
  const format = chat?.type === 'json_schema' ? ((chat.json_schema as Json | undefined) ?? {}) : responses?.type === 'json_schema' ? responses : undefined;
  return format ? ((format.schema as Json | undefined) ?? { type: 'object' }) : undefined;
}

/**
 * Structured output the one way Anthropic enforces a schema: a tool the model must call, whose input is the
 * answer (the reply translators give it back as the answer's text). A plain JSON-object request can only be asked.
 */
export function askForStructuredAnswer(body: Readonly<Json>, out: Json, system: string[]): void {
  const schema = jsonAnswerSchema(body);
  if (schema) {
    out.tools = [...((out.tools as Json[] | undefined) ?? []), { name: JSON_ANSWER_TOOL, description: 'Give your answer as the input of this tool.', input_schema: schema }];
    out.tool_choice = { type: 'tool', name: JSON_ANSWER_TOOL };
    // Anthropic refuses a forced tool while thinking.
    delete out.thinking;
  } else if ((body.response_format as Json | undefined)?.type === 'json_object' || ((body.text as Json | undefined)?.format as Json | undefined)?.type === 'json_object') {
    system.push('Answer with a single JSON object and nothing else.');
  }
}

export function chatToMessagesRequest(body: Json, upstreamModel: string): Json {
  if (typeof body.n === 'number' && body.n > 1) {
    throw new UnsupportedTranslationError(`\`n: ${body.n}\` cannot be served by an Anthropic model, which gives one answer per call: send n separate requests.`, 'n');
  }
  const system: string[] = [];
  const messages: Json[] = [];
  for (const raw of asArray(body.messages)) {
    const m = raw as Json;
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(textOf(m.content));
        break;
      case 'user': {
        const blocks =
          typeof m.content === 'string'
            ? [{ type: 'text', text: m.content }]
            : asArray(m.content).flatMap((p): Json[] => {
                const block = openaiPartToAnthropic(p as Json);
                return block ? [block] : [];
              });
        pushTurn(messages, 'user', blocks);
        break;
      }
      case 'assistant': {
        // Thinking given back (with its signature) must come first, as Anthropic returned it.
        const blocks: Json[] = thinkingBlocks(m).filter((b) => b.type !== 'thinking' || b.signature);
        const text = textOf(m.content);
        if (text) blocks.push({ type: 'text', text });
        if (typeof m.refusal === 'string' && m.refusal) blocks.push({ type: 'text', text: m.refusal });
        for (const call of asArray(m.tool_calls)) {
          const c = call as Json;
          const fn = c.function as Json;
          blocks.push({ type: 'tool_use', id: c.id, name: fn?.name, input: parseArguments(fn?.arguments) });
        }
        pushTurn(messages, 'assistant', blocks);
        break;
      }
      case 'tool':
        pushTurn(messages, 'user', [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: textOf(m.content) }]);
        break;
    }
  }
  const out: Json = {
    model: upstreamModel,
    messages,
    max_tokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
  };
  const budget = typeof body.reasoning_effort === 'string' ? THINKING_BUDGET[body.reasoning_effort] : undefined;
  // The budget counts toward max_tokens, as OpenAI's reasoning tokens count toward max_completion_tokens.
  const thinking = budget !== undefined && Number(out.max_tokens) > 1024 ? Math.min(budget, Number(out.max_tokens) - 1) : undefined;
  if (thinking !== undefined) out.thinking = { type: 'enabled', budget_tokens: thinking };
  // Anthropic allows no temperature but 1 while thinking.
  else if (body.temperature !== undefined && body.temperature !== null) out.temperature = Math.min(Number(body.temperature), 1);
  if (body.top_p !== undefined && body.top_p !== null) out.top_p = body.top_p;
  if (body.stop !== undefined && body.stop !== null) out.stop_sequences = asArray(body.stop);
  if (body.stream) out.stream = true;
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  const tools = asArray(body.tools).flatMap((t) => {
    const fn = (t as Json).function as Json | undefined;
    return fn ? [{ name: fn.name, description: fn.description, input_schema: fn.parameters ?? { type: 'object', properties: {} } }] : [];
  });
  if (tools.length) out.tools = tools;
  const choice = body.tool_choice;
  if (choice === 'auto') out.tool_choice = { type: 'auto' };
  else if (choice === 'required') out.tool_choice = { type: 'any' };
  else if (choice === 'none') out.tool_choice = { type: 'none' };
  else if (choice && typeof choice === 'object') out.tool_choice = { type: 'tool', name: ((choice as Json).function as Json)?.name };
  if (out.tool_choice && body.parallel_tool_calls === false) (out.tool_choice as Json).disable_parallel_tool_use = true;
  askForStructuredAnswer(body, out, system);
  if (system.length) out.system = system.join('\n\n');
  return out;
}

function anthropicBlockToOpenAI(block: Json): Json | undefined {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'image') {
    const src = block.source as Json;
    const url = src?.type === 'base64' ? `data:${src.media_type};base64,${src.data}` : src?.url;
    return { type: 'image_url', image_url: { url } };
  }
  return undefined;
}

export function messagesToChatRequest(body: Json, upstreamModel: string): Json {
  const messages: Json[] = [];
  const system = typeof body.system === 'string' ? body.system : textOf(body.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const raw of asArray(body.messages)) {
    const m = raw as Json;
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (asArray(m.content) as Json[]);
    if (m.role === 'assistant') {
      const text = blocks.filter((b) => b.type === 'text').map((b) => b.text).join('');
      const toolCalls = blocks
        .filter((b) => b.type === 'tool_use')
        .map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }));
      messages.push({ role: 'assistant', content: text || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) });
      continue;
    }
    // Tool results become `tool` messages, which OpenAI wants right after the assistant turn that called them.
    for (const b of blocks.filter((x) => x.type === 'tool_result')) {
      messages.push({ role: 'tool', tool_call_id: b.tool_use_id, content: textOf(b.content) });
    }
    const parts = blocks.filter((b) => b.type !== 'tool_result').flatMap((b): Json[] => {
      const part = anthropicBlockToOpenAI(b);
      return part ? [part] : [];
    });
    if (parts.length) {
      const onlyText = parts.every((p) => p.type === 'text');
      messages.push({ role: 'user', content: onlyText ? parts.map((p) => p.text).join('') : parts });
    }
  }
  const out: Json = { model: upstreamModel, messages };
  if (body.max_tokens !== undefined) out.max_tokens = body.max_tokens;
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.top_p !== undefined) out.top_p = body.top_p;
  if (body.stop_sequences !== undefined) out.stop = body.stop_sequences;
  if (body.stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  const user = (body.metadata as Json | undefined)?.user_id;
  if (typeof user === 'string') out.user = user;
  const tools = asArray(body.tools).flatMap((t) => {
    const tool = t as Json;
    return tool.input_schema ? [{ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.input_schema } }] : [];
  });
  if (tools.length) out.tools = tools;
  const choice = body.tool_choice as Json | undefined;
  if (choice?.type === 'auto') out.tool_choice = 'auto';
  else if (choice?.type === 'any') out.tool_choice = 'required';
  else if (choice?.type === 'none') out.tool_choice = 'none';
  else if (choice?.type === 'tool') out.tool_choice = { type: 'function', function: { name: choice.name } };
  if (choice?.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  return out;
}
