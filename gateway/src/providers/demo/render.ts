/**
 * Renders a DemoReply in each wire format, exactly as the real providers frame them.
 */
import { sseFrame } from '../http/sse.js';
import type { DemoReply } from './reply.js';

type Json = Record<string, unknown>;

const now = (): number => Math.floor(Date.now() / 1000);

export function chatCompletion(id: string, model: string, r: DemoReply): Json {
  const text = r.words.join('');
  return {
    id,
    object: 'chat.completion',
    created: now(),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || null,
          refusal: null,
          ...(r.toolCalls.length
            ? { tool_calls: r.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: r.toolCalls.length ? 'tool_calls' : 'stop',
      },
    ],
    usage: { prompt_tokens: r.inputTokens, completion_tokens: r.outputTokens, total_tokens: r.inputTokens + r.outputTokens },
  };
}

export function* chatChunks(id: string, model: string, r: DemoReply, includeUsage: boolean): Generator<string> {
  const created = now();
  const chunk = (delta: Json, finish: string | null = null): string =>
    sseFrame({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  yield chunk({ role: 'assistant', content: '', refusal: null });
  for (const word of r.words) yield chunk({ content: word });
  for (const [index, c] of r.toolCalls.entries()) {
    yield chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] });
    for (const piece of c.arguments.match(/.{1,12}/gs) ?? []) yield chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
  }
  yield chunk({}, r.toolCalls.length ? 'tool_calls' : 'stop');
  if (includeUsage) {
    yield sseFrame({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [],
      usage: { prompt_tokens: r.inputTokens, completion_tokens: r.outputTokens, total_tokens: r.inputTokens + r.outputTokens },
    });
  }
  yield 'data: [DONE]\n\n';
}

export function anthropicMessage(id: string, model: string, r: DemoReply): Json {
  const content: Json[] = [];
  if (r.words.length) content.push({ type: 'text', text: r.words.join('') });
  for (const c of r.toolCalls) content.push({ type: 'tool_use', id: c.id.replace(/^call_/, 'toolu_'), name: c.name, input: JSON.parse(c.arguments) });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: r.toolCalls.length ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: r.inputTokens, output_tokens: r.outputTokens },
  };
}

export function* anthropicEvents(id: string, model: string, r: DemoReply): Generator<string> {
  const ev = (type: string, data: Json): string => sseFrame({ type, ...data }, type);
  yield ev('message_start', {
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: r.inputTokens, output_tokens: 1 } },
  });
  let index = 0;
  if (r.words.length) {
    yield ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
    yield ev('ping', {});
    for (const word of r.words) yield ev('content_block_delta', { index, delta: { type: 'text_delta', text: word } });
    yield ev('content_block_stop', { index });
    index++;
  }
  for (const c of r.toolCalls) {
    yield ev('content_block_start', { index, content_block: { type: 'tool_use', id: c.id.replace(/^call_/, 'toolu_'), name: c.name, input: {} } });
    for (const piece of c.arguments.match(/.{1,12}/gs) ?? []) yield ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    yield ev('content_block_stop', { index });
    index++;
  }
  yield ev('message_delta', { delta: { stop_reason: r.toolCalls.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: r.outputTokens } });
  yield ev('message_stop', {});
}

function responseObject(id: string, model: string, r: DemoReply, status: 'in_progress' | 'completed'): Json {
  const done = status === 'completed';
  const output: Json[] = [];
  if (done && r.words.length) {
    output.push({
      type: 'message',
      id: `msg_${id.slice(5)}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: r.words.join(''), annotations: [] }],
    });
  }
  if (done) {
    for (const c of r.toolCalls) output.push({ type: 'function_call', id: `fc_${c.id.slice(5)}`, call_id: c.id, name: c.name, arguments: c.arguments, status: 'completed' });
  }
  return {
    id,
    object: 'response',
    created_at: now(),
    status,
    model,
    output,
    usage: done ? { input_tokens: r.inputTokens, output_tokens: r.outputTokens, total_tokens: r.inputTokens + r.outputTokens } : null,
  };
}

export const responsesBody = (id: string, model: string, r: DemoReply): Json => responseObject(id, model, r, 'completed');

export function* responsesEvents(id: string, model: string, r: DemoReply): Generator<string> {
  let seq = 0;
  const ev = (type: string, data: Json): string => sseFrame({ type, sequence_number: seq++, ...data }, type);
  yield ev('response.created', { response: responseObject(id, model, r, 'in_progress') });
  yield ev('response.in_progress', { response: responseObject(id, model, r, 'in_progress') });
  const itemId = `msg_${id.slice(5)}`;
  if (r.words.length) {
    const text = r.words.join('');
    yield ev('response.output_item.added', { output_index: 0, item: { type: 'message', id: itemId, status: 'in_progress', role: 'assistant', content: [] } });
    yield ev('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const word of r.words) yield ev('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: word });
    yield ev('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text });
    yield ev('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
    yield ev('response.output_item.done', {
      output_index: 0,
      item: { type: 'message', id: itemId, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] },
    });
  }
  // Tool calls come after the message item, if there is one.
  const first = r.words.length ? 1 : 0;
  for (const [n, c] of r.toolCalls.entries()) {
    const i = first + n;
    const item = { type: 'function_call', id: `fc_${c.id.slice(5)}`, call_id: c.id, name: c.name, arguments: '', status: 'in_progress' };
    yield ev('response.output_item.added', { output_index: i, item });
    yield ev('response.function_call_arguments.delta', { item_id: item.id, output_index: i, delta: c.arguments });
    yield ev('response.function_call_arguments.done', { item_id: item.id, output_index: i, arguments: c.arguments });
    yield ev('response.output_item.done', { output_index: i, item: { ...item, arguments: c.arguments, status: 'completed' } });
  }
  yield ev('response.completed', { response: responseObject(id, model, r, 'completed') });
}
