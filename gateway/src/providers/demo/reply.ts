/**
 * The demo model's deterministic behaviour: the same request always gets the same reply, tokens and tool calls,
 * so the gateway can be tried and tested with no provider and no network.
 */
import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

export interface DemoToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface DemoReply {
  readonly words: readonly string[];
  readonly toolCalls: readonly DemoToolCall[];
  readonly inputTokens: number;
  readonly outputTokens: number;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) => {
      const part = p as Json;
      if (typeof part.text === 'string') return part.text;
      if (part.type === 'tool_result') return textOf(part.content);
      return '';
    })
    .join(' ');
}

/** A rough count (about four characters a token), stable for equal inputs. */
export const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

const stableId = (prefix: string, seed: string): string => prefix + createHash('sha256').update(seed).digest('hex').slice(0, 24);

/** The prompt as plain text and the last user turn, from any of the client formats. */
export function readPrompt(body: Json): { all: string; lastUser: string; tools: string[] } {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const inputItems = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body.input) ? (body.input as Json[]) : [];
  const turns = [...messages, ...inputItems];
  const system = textOf(body.system) + textOf(body.instructions);
  const lastUser = [...turns].reverse().find((m) => m.role === 'user');
  const tools = (Array.isArray(body.tools) ? (body.tools as Json[]) : []).map((t) =>
    String((t.function as Json | undefined)?.name ?? t.name ?? ''),
  );
  return { all: system + turns.map((m) => textOf(m.content)).join('\n'), lastUser: textOf(lastUser?.content), tools };
}

/** "call <tool>" in the last user turn makes the demo call that offered tool, with the rest of the turn as input. */
export function demoReply(body: Json): DemoReply {
  const { all, lastUser, tools } = readPrompt(body);
  const asked = /\bcall\s+([A-Za-z0-9_-]+)/.exec(lastUser)?.[1];
  const history = JSON.stringify(body.messages ?? body.input ?? '');
  const lastIsToolResult = history.includes('tool_result') || history.includes('"role":"tool"') || history.includes('function_call_output');
  const toolCalls: DemoToolCall[] =
    asked && tools.includes(asked) && !lastIsToolResult
      ? [{ id: stableId('call_', all), name: asked, arguments: JSON.stringify({ input: lastUser }) }]
      : [];
  const text = toolCalls.length
    ? []
    : `Airlock demo model here. You said: ${lastUser.trim().slice(0, 200) || '(nothing)'}`.split(/(?<= )/);
  return {
    words: text,
    toolCalls,
    inputTokens: estimateTokens(all),
    outputTokens: text.length + toolCalls.length * 8,
  };
}

/** A deterministic unit vector derived from the text. */
export function demoEmbedding(text: string, dimensions: number): number[] {
  const out: number[] = [];
  let block = Buffer.alloc(0);
  for (let i = 0; out.length < dimensions; i++) {
    if (block.length < 2) block = createHash('sha256').update(`${i}:${text}`).digest();
    out.push(block.readUInt16BE(0) / 32768 - 1);
    block = block.subarray(2);
  }
  const norm = Math.hypot(...out) || 1;
  return out.map((x) => Number((x / norm).toFixed(6)));
}

/** OpenAI's SDK asks for base64 (little-endian float32) by default and decodes it itself. */
export function encodeEmbedding(vector: readonly number[], format: unknown): number[] | string {
  if (format !== 'base64') return [...vector];
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

export { stableId };
