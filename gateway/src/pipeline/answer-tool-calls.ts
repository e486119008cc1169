/**
 * The tool calls in a whole (buffered) answer, in each client format, and the answer rewritten without the ones
 * policy refused: still a well-formed answer of its API, with a text saying why in place of each refused call and a
 * finish reason that matches what is left (no tool call left: the turn simply ended).
 */
import type { ApiFormat } from '../contracts/api.js';
import { parseArgs, type PolicyToolCall } from './policy-input.js';

type Json = Record<string, unknown>;

export type AnswerToolCall = PolicyToolCall;

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
