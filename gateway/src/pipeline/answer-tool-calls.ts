/**
 * The tool calls in a whole (buffered) answer, in each client format, and the answer rewritten without the ones
 * policy refused: still a well-formed answer of its API, with a text saying why in place of each refused call and a
 * finish reason that matches what is left (no tool call left: the turn simply ended).
 */
import type { ApiFormat } from '../contracts/api.js';
import { parseArgs, type PolicyToolCall } from './policy-input.js';

type Json = Record<string, unknown>;

export type AnswerToolCall = PolicyToolCall;

/** Starts every text the gateway writes into a model's answer. */
export const NOTICE_PREFIX = '[Airlock]';

/** Where a tool call sits in the answer: which choice (Chat; 0 elsewhere) and its position in that list. */
interface Located {
  readonly call: AnswerToolCall;
  readonly group: number;
  readonly item: Json;
}

const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((v): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)) : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Strings whose absence from a body proves it holds no client-side tool call: checked before parsing. */
export const TOOL_CALL_MARKERS: Readonly<Record<ApiFormat, readonly string[]>> = {
  'openai.chat': ['"tool_calls"'],
  'anthropic.messages': ['"tool_use"'],
  'openai.responses': ['"function_call"', '"custom_tool_call"'],
  'openai.embeddings': [],
};

export function mayHoldToolCalls(format: ApiFormat, text: Buffer | string): boolean {
  return TOOL_CALL_MARKERS[format].some((m) => text.includes(m));
}

/** The client-side tool calls of a whole answer (server-side tools such as web search ran already: not here). */
export function toolCallsOfAnswer(format: ApiFormat, body: Json): Located[] {
  const out: Located[] = [];
  switch (format) {
    case 'openai.chat':
      for (const [group, choice] of objects(body.choices).entries()) {
        for (const item of objects((choice.message as Json | undefined)?.tool_calls)) {
          const fn = (item.function ?? {}) as Json;
          out.push({ call: { id: str(item.id), name: str(fn.name), arguments: parseArgs(fn.arguments) }, group, item });
        }
      }
      return out;
    case 'anthropic.messages':
      for (const item of objects(body.content)) {
        if (item.type === 'tool_use') out.push({ call: { id: str(item.id), name: str(item.name), arguments: item.input ?? {} }, group: 0, item });
      }
      return out;
    case 'openai.responses':
      for (const item of objects(body.output)) {
        if (item.type === 'function_call') out.push({ call: { id: str(item.call_id), name: str(item.name), arguments: parseArgs(item.arguments) }, group: 0, item });
        else if (item.type === 'custom_tool_call') out.push({ call: { id: str(item.call_id), name: str(item.name), arguments: item.input ?? '' }, group: 0, item });
      }
      return out;
    case 'openai.embeddings':
      return out;
  }
}

/** Gives each tool call an approver edited its new arguments, in place, as its API writes them. */
export function applyEdits(format: ApiFormat, edits: ReadonlyMap<Json, unknown>): void {
  for (const [item, args] of edits) {
    if (format === 'openai.chat') (item.function as Json).arguments = JSON.stringify(args);
    else if (format === 'anthropic.messages') item.input = args;
    else if (format === 'openai.responses') item.arguments = JSON.stringify(args);
  }
}

/**
 * A whole answer of the API that carries only `call`: what an approval of a tool call gives once it is released
 * after the answer it came in had gone (async mode, a waiter that went away), so the agent reads it with its SDK's
 * own types.
 */
export function toolCallAnswer(format: ApiFormat, call: AnswerToolCall, model: string, id: string): Json {
  const created = Math.floor(Date.now() / 1000);
  const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
  switch (format) {
    case 'openai.chat':
      return {
        id: `chatcmpl-${id}`,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: args } }] }, logprobs: null, finish_reason: 'tool_calls' }],
      };
    case 'anthropic.messages':
      return {
        id: `msg_${id}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'tool_use', id: call.id, name: call.name, input: call.arguments }],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      };
    case 'openai.responses':
      return {
        id: `resp_${id}`,
        object: 'response',
        created_at: created,
        status: 'completed',
        model,
        output: [{ type: 'function_call', id: `fc_${id}`, call_id: call.id, name: call.name, arguments: args, status: 'completed' }],
      };
    case 'openai.embeddings':
      return {};
  }
}

/** A message item for the Responses API carrying the gateway's text, as the model's own would look. */
export function responsesNoticeItem(id: string, text: string): Json {
  return { type: 'message', id, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
}

/**
 * Removes `refused` tool calls from the answer in place and adds `notices` (per group) as text. Chat: the text is
 * appended to the message's content, `tool_calls` goes when empty, finish_reason `tool_calls` becomes `stop`.
 * Messages: a text block at the end, stop_reason `tool_use` becomes `end_turn` when no tool_use is left.
 * Responses: a message item at the end of `output`.
 */
export function stripAnswer(format: ApiFormat, body: Json, refused: ReadonlySet<Json>, notices: ReadonlyMap<number, string>): Json {
  switch (format) {
    case 'openai.chat':
      for (const [group, choice] of objects(body.choices).entries()) {
        const notice = notices.get(group);
        const message = choice.message as Json | undefined;
        if (notice === undefined || !message) continue;
        const kept = objects(message.tool_calls).filter((c) => !refused.has(c));
        if (kept.length) message.tool_calls = kept;
        else delete message.tool_calls;
        message.content = [str(message.content), notice].filter(Boolean).join('\n\n');
        if (!kept.length && choice.finish_reason === 'tool_calls') choice.finish_reason = 'stop';
      }
      return body;
    case 'anthropic.messages': {
      const notice = notices.get(0);
      if (notice === undefined) return body;
      const kept = objects(body.content).filter((b) => !refused.has(b));
      kept.push({ type: 'text', text: notice });
      body.content = kept;
      if (!kept.some((b) => b.type === 'tool_use') && body.stop_reason === 'tool_use') body.stop_reason = 'end_turn';
      return body;
    }
    case 'openai.responses': {
      const notice = notices.get(0);
      if (notice === undefined) return body;
      const kept = objects(body.output).filter((item) => !refused.has(item));
      kept.push(responsesNoticeItem(`msg_airlock_${str(body.id).replace(/^resp_/, '') || 'notice'}`, notice));
      body.output = kept;
      return body;
    }
    case 'openai.embeddings':
      return body;
  }
}
