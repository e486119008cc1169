/**
 * Non-streaming response translation between Anthropic Messages and OpenAI Chat Completions.
 */
import { ANTHROPIC_STOP, FINISH_TO_ANTHROPIC, FINISH_TO_OPENAI, OPENAI_FINISH, usageFromAnthropic, usageFromOpenAI } from '../vocabulary.js';

type Json = Record<string, unknown>;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function messagesToChatResponse(msg: Json, clientModel: string): Json {
  const blocks = (msg.content as Json[] | undefined) ?? [];
  const text = blocks.filter((b) => b.type === 'text').map((b) => b.text).join('');
  const toolCalls = blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }));
  const usage = usageFromAnthropic(msg.usage);
  const finish = ANTHROPIC_STOP[String(msg.stop_reason)] ?? 'stop';
  return {
    id: `chatcmpl-${String(msg.id ?? '').replace(/^msg_/, '')}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model: typeof msg.model === 'string' ? msg.model : clientModel,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text || null, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: FINISH_TO_OPENAI[finish],
      },
    ],
    usage: {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
      prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    },
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

export function chatToMessagesResponse(chat: Json, clientModel: string): Json {
  const choice = ((chat.choices as Json[] | undefined) ?? [])[0] ?? {};
  const message = (choice.message as Json | undefined) ?? {};
  const content: Json[] = [];
  if (typeof message.content === 'string' && message.content) content.push({ type: 'text', text: message.content });
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
    stop_reason: FINISH_TO_ANTHROPIC[finish],
    stop_sequence: null,
    usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
  };
}
