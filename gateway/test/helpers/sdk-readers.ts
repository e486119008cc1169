/**
 * Reads one answer through an official SDK into the same plain shape, whatever the client API: the assistant's
 * text, refusal, thinking, tool calls, usage, stop reason and request id, or the SDK's error. The transcript suite
 * compares these against what the recorded upstream said.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

export type ClientApi = 'openai.chat' | 'openai.responses' | 'anthropic.messages';

export interface SdkAnswer {
  text: string;
  refusal: string;
  reasoning: string;
  signature: string;
  tools: { name: string; args: unknown }[];
  usage: { input: number; output: number } | null;
  stop: string | null;
  requestId: string | null | undefined;
  /** Everything else the client was handed as a tool call's or text's side data (citations, annotations). */
  annotations: string[];
}

export interface SdkFailure {
  error: Error & { status?: number; error?: unknown; requestID?: string | null };
  /** Whatever streamed before the failure. */
  partial: SdkAnswer;
}

const empty = (): SdkAnswer => ({ text: '', refusal: '', reasoning: '', signature: '', tools: [], usage: null, stop: null, requestId: undefined, annotations: [] });

const parse = (s: string): unknown => (s ? (JSON.parse(s) as unknown) : {});

async function chat(client: OpenAI, model: string, stream: boolean, extra: Record<string, unknown>, out: SdkAnswer): Promise<SdkAnswer> {
  const body = { model, messages: [{ role: 'user' as const, content: 'replay' }], ...extra };
  if (!stream) {
    const res = await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const choice = res.choices[0]!;
    const msg = choice.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string; reasoning?: string };
    out.text = msg.content ?? '';
    out.refusal = msg.refusal ?? '';
    out.reasoning = msg.reasoning_content ?? msg.reasoning ?? '';
    for (const a of msg.annotations ?? []) out.annotations.push(JSON.stringify(a));
    for (const tc of msg.tool_calls ?? []) if (tc.type === 'function') out.tools.push({ name: tc.function.name, args: parse(tc.function.arguments) });
    out.usage = res.usage ? { input: res.usage.prompt_tokens, output: res.usage.completion_tokens } : null;
    out.stop = choice.finish_reason;
    out.requestId = res._request_id;
    return out;
  }
  const { data, request_id } = await client.chat.completions
    .create({ stream_options: { include_usage: true }, ...body, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming)
    .withResponse();
  out.requestId = request_id;
  const args = new Map<number, { name: string; args: string }>();
  try {
    for await (const chunk of data) {
      if (chunk.usage) out.usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta as OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string; reasoning?: string; annotations?: unknown[] };
      out.text += delta.content ?? '';
      out.refusal += delta.refusal ?? '';
      // DeepSeek's and vLLM's field, and OpenRouter's.
      out.reasoning += delta.reasoning_content ?? delta.reasoning ?? '';
      for (const a of delta.annotations ?? []) out.annotations.push(JSON.stringify(a));
      for (const tc of delta.tool_calls ?? []) {
        const slot = args.get(tc.index) ?? { name: '', args: '' };
        slot.name += tc.function?.name ?? '';
        slot.args += tc.function?.arguments ?? '';
        args.set(tc.index, slot);
      }
      if (choice.finish_reason) out.stop = choice.finish_reason;
    }
  } finally {
    out.tools = [...args.entries()].sort(([a], [b]) => a - b).map(([, t]) => ({ name: t.name, args: parse(t.args) }));
  }
  return out;
}

function readMessage(out: SdkAnswer, msg: Anthropic.Message): void {
  for (const block of msg.content) {
    if (block.type === 'text') {
      out.text += block.text;
      for (const c of block.citations ?? []) out.annotations.push(JSON.stringify(c));
    } else if (block.type === 'thinking') {
      out.reasoning += block.thinking;
      out.signature += block.signature;
    } else if (block.type === 'tool_use') out.tools.push({ name: block.name, args: block.input });
    else if (block.type === 'server_tool_use' || block.type === 'web_search_tool_result') out.annotations.push(block.type);
  }
  out.usage = { input: msg.usage.input_tokens + (msg.usage.cache_read_input_tokens ?? 0) + (msg.usage.cache_creation_input_tokens ?? 0), output: msg.usage.output_tokens };
  out.stop = msg.stop_reason;
}

async function messages(client: Anthropic, model: string, stream: boolean, extra: Record<string, unknown>, out: SdkAnswer): Promise<SdkAnswer> {
  const body = { model, max_tokens: 1024, messages: [{ role: 'user' as const, content: 'replay' }], ...extra };
  if (!stream) {
    const msg = await client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming);
    readMessage(out, msg);
    out.requestId = msg._request_id;
    return out;
  }
  const s = client.messages.stream(body as Anthropic.MessageCreateParamsStreaming);
  const { request_id } = await s.withResponse();
  out.requestId = request_id;
  try {
    readMessage(out, await s.finalMessage());
  } catch (error) {
    // What had streamed before the failure: the SDK's snapshot of the message so far.
    const snapshot = (s as unknown as { currentMessage?: Anthropic.Message }).currentMessage;
    if (snapshot) readMessage(out, snapshot);
    throw error;
  }
  return out;
}

function readResponse(out: SdkAnswer, res: OpenAI.Responses.Response): void {
  for (const item of res.output) {
    if (item.type === 'message') {
      for (const part of item.content) {
        if (part.type === 'output_text') {
          out.text += part.text;
          for (const a of part.annotations ?? []) out.annotations.push(JSON.stringify(a));
        } else if (part.type === 'refusal') out.refusal += part.refusal;
      }
    } else if (item.type === 'function_call') out.tools.push({ name: item.name, args: parse(item.arguments) });
    else if (item.type === 'reasoning') {
      for (const s of item.summary ?? []) out.reasoning += s.text;
      for (const c of (item as { content?: { text: string }[] }).content ?? []) out.reasoning += c.text;
      out.signature += item.encrypted_content ?? '';
    }
  }
  if (res.usage) out.usage = { input: res.usage.input_tokens, output: res.usage.output_tokens };
  out.stop = res.status === 'incomplete' ? `incomplete:${res.incomplete_details?.reason ?? ''}` : (res.status ?? null);
}

async function responses(client: OpenAI, model: string, stream: boolean, extra: Record<string, unknown>, out: SdkAnswer): Promise<SdkAnswer> {
  const body = { model, input: 'replay', ...extra };
  if (!stream) {
    const res = await client.responses.create(body as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    readResponse(out, res);
    out.requestId = res._request_id;
    return out;
  }
  const { data, request_id } = await client.responses.create({ ...body, stream: true } as OpenAI.Responses.ResponseCreateParamsStreaming).withResponse();
  out.requestId = request_id;
  let deltas = '';
  for await (const event of data) {
    if (event.type === 'response.output_text.delta') out.text = deltas += event.delta;
    if (event.type === 'response.completed' || event.type === 'response.incomplete') {
      out.text = '';
      readResponse(out, event.response);
    }
    if (event.type === 'response.failed') throw Object.assign(new Error(event.response.error?.message ?? 'response failed'), { partial: deltas });
    if (event.type === 'error') throw Object.assign(new Error(event.message), { code: event.code });
  }
  // The deltas must add up to the final text: a client rendering them live sees what the final response says.
  if (deltas !== out.text) throw new Error(`streamed deltas ${JSON.stringify(deltas)} differ from the final text ${JSON.stringify(out.text)}`);
  return out;
}

export interface SdkClients {
  openai: OpenAI;
  anthropic: Anthropic;
}

export function sdkClients(gatewayUrl: string, key: string): SdkClients {
  return {
    openai: new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: key, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: gatewayUrl, apiKey: key, maxRetries: 0 }),
  };
}

/** One call through the SDK of `api`; an SDK error comes back as a failure with what streamed before it. */
export async function readThroughSdk(
  clients: SdkClients,
  api: ClientApi,
  model: string,
  stream: boolean,
  extra: Record<string, unknown> = {},
): Promise<SdkAnswer | SdkFailure> {
  const out = empty();
  try {
    if (api === 'openai.chat') return await chat(clients.openai, model, stream, extra, out);
    if (api === 'openai.responses') return await responses(clients.openai, model, stream, extra, out);
    return await messages(clients.anthropic, model, stream, extra, out);
  } catch (error) {
    return { error: error as SdkFailure['error'], partial: out };
  }
}
