/**
 * Non-streaming response translation between Anthropic Messages and OpenAI Chat Completions, with the same
 * mapping as the stream translators (streams.ts): thinking ↔ `reasoning_content`, refusals ↔ `stop_reason:
 * "refusal"`, citations → `url_citation` annotations, server-tool blocks left out (they are not client tool calls).
 */
import { ANTHROPIC_STOP, FINISH_TO_ANTHROPIC, JSON_ANSWER_TOOL, FINISH_TO_OPENAI, OPENAI_FINISH, usageFromAnthropic, usageFromOpenAI } from '../vocabulary.js';
import { ANTHROPIC_REASONING_FORMAT, anthropicUsage, answerFinish, chatUsage, urlCitations } from './streams.js';

type Json = Record<string, unknown>;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function messagesToChatResponse(msg: Json, clientModel: string, jsonAnswer = false): Json {
  const blocks = (msg.content as Json[] | undefined) ?? [];
  let text = '';
  let reasoning = '';
  const details: Json[] = [];
  const annotations: Json[] = [];
  const toolCalls: Json[] = [];
  for (const b of blocks) {
    if (b.type === 'text') {
      const start = text.length;
      text += String(b.text ?? '');
      if (Array.isArray(b.citations)) annotations.push(...urlCitations(b.citations as Json[], start, text.length));
    } else if (b.type === 'thinking') {
      reasoning += String(b.thinking ?? '');
      details.push({ type: 'reasoning.text', text: b.thinking, signature: b.signature, format: ANTHROPIC_REASONING_FORMAT, index: details.length });
    } else if (b.type === 'redacted_thinking') {
      details.push({ type: 'reasoning.encrypted', data: b.data, format: ANTHROPIC_REASONING_FORMAT, index: details.length });
    } else if (b.type === 'tool_use' && jsonAnswer && b.name === JSON_ANSWER_TOOL) {
      text += JSON.stringify(b.input ?? {});
    } else if (b.type === 'tool_use') {
      toolCalls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
    }
  }
  const usage = usageFromAnthropic(msg.usage);
  const finish = answerFinish(ANTHROPIC_STOP[String(msg.stop_reason)] ?? 'stop', jsonAnswer);
  return {
    id: `chatcmpl-${String(msg.id ?? '').replace(/^msg_/, '')}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model: typeof msg.model === 'string' ? msg.model : clientModel,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || null,
          refusal: null,
          ...(reasoning || details.length ? { reasoning_content: reasoning, reasoning_details: details } : {}),
          ...(annotations.length ? { annotations } : {}),
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: FINISH_TO_OPENAI[finish],
      },
    ],
    usage: chatUsage(usage),
  };
}

function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  try {
    return JSON.parse(args);
  } catch {
    return {};
  }
}

/** A thinking block from an OpenAI-compatible message's reasoning (OpenRouter keeps Anthropic's signature in `reasoning_details`). */
export function thinkingBlocks(message: Json): Json[] {
  const details = Array.isArray(message.reasoning_details) ? (message.reasoning_details as Json[]) : [];
  const blocks: Json[] = [];
  for (const d of details) {
    if (d.type === 'reasoning.text' && typeof d.signature === 'string' && d.signature) blocks.push({ type: 'thinking', thinking: d.text ?? '', signature: d.signature });
    else if (d.type === 'reasoning.encrypted' && typeof d.data === 'string') blocks.push({ type: 'redacted_thinking', data: d.data });
  }
  if (blocks.length) return blocks;
  const text = message.reasoning_content ?? message.reasoning;
  return typeof text === 'string' && text ? [{ type: 'thinking', thinking: text, signature: '' }] : [];
}

export function chatToMessagesResponse(chat: Json, clientModel: string): Json {
  const choice = ((chat.choices as Json[] | undefined) ?? [])[0] ?? {};
  const message = (choice.message as Json | undefined) ?? {};
  const content: Json[] = thinkingBlocks(message);
  if (typeof message.content === 'string' && message.content) content.push({ type: 'text', text: message.content });
  const refused = typeof message.refusal === 'string' && message.refusal !== '';
  if (refused) content.push({ type: 'text', text: message.refusal });
  for (const call of (message.tool_calls as Json[] | undefined) ?? []) {
    const fn = call.function as Json;
    content.push({ type: 'tool_use', id: call.id, name: fn?.name, input: parseArguments(fn?.arguments) });
  }
  const usage = usageFromOpenAI(chat.usage);
  const finish = OPENAI_FINISH[String(choice.finish_reason)] ?? 'stop';
  return {
    id: `msg_${String(chat.id ?? '').replace(/^chatcmpl-/, '')}`,
    type: 'message',
    role: 'assistant',
    model: typeof chat.model === 'string' ? chat.model : clientModel,
    content,
    stop_reason: refused ? 'refusal' : FINISH_TO_ANTHROPIC[finish],
    stop_sequence: null,
    usage: anthropicUsage(usage),
  };
}
