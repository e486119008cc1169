import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ApiFormat } from '../contracts/api.js';
import { GatewayError } from '../errors.js';
import { anthropicEvents, chatChunks, responsesEvents } from '../providers/demo/render.js';
import type { DemoReply } from '../providers/demo/reply.js';
import { SseParser } from '../providers/http/sse.js';
import { createToolCallGate, type DecideToolCall, type RefusalMode } from './tool-call-stream.js';

const reply = (words: string[], ...names: string[]): DemoReply => ({
  words,
  toolCalls: names.map((name, i) => ({ id: `call_${i}${'0'.repeat(23)}`, name, arguments: JSON.stringify({ n: i, note: 'a "quoted" ünïcode text, long enough to be split' }) })),
  inputTokens: 3,
  outputTokens: 9,
});

function wire(format: ApiFormat, r: DemoReply): string {
  const frames = format === 'openai.chat' ? chatChunks('c1', 'm', r, true) : format === 'anthropic.messages' ? anthropicEvents('msg_1', 'm', r) : responsesEvents('resp_1', 'm', r);
  return [...frames].join('');
}

/** Feeds `text` in pieces of `size` bytes (0: all at once) and collects what comes out. */
async function run(format: ApiFormat, text: string, decide: DecideToolCall, size = 0, mode: RefusalMode = 'strip', keepAliveMs?: number): Promise<string> {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  if (!size) pieces.push(bytes);
  else for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  let out = '';
  for await (const chunk of Readable.from(pieces).pipe(createToolCallGate(format, decide, mode, keepAliveMs))) out += String(chunk);
  return out;
}

const refuse = (names: string[]): DecideToolCall => (call) =>
  names.includes(call.name) ? { notice: `no ${call.name}`, error: new GatewayError('GW_ERR_POLICY_DENIED', `no ${call.name}`) } : null;

const events = (text: string) => new SseParser().push(text);
const FORMATS: ApiFormat[] = ['openai.chat', 'anthropic.messages', 'openai.responses'];

describe('tool-call gate', () => {
  it.each(FORMATS)('%s: an answer without tool calls passes byte for byte', async (format) => {
    const text = wire(format, reply(['Hello ', 'world']));
    expect(await run(format, text, () => { throw new Error('never asked'); }, 7)).toBe(text);
  });

  it.each(FORMATS)('%s: the output does not depend on where the bytes were cut', async (format) => {
    const text = wire(format, reply(['Hi ', 'there '], 'keep_a', 'drop_b', 'keep_c'));
    const whole = await run(format, text, refuse(['drop_b']));
    expect(whole).not.toContain('"drop_b"');
    expect(whole).toContain('no drop_b');
    expect(whole).toContain('keep_c');
    for (const size of [1, 3, 17, 64]) expect(await run(format, text, refuse(['drop_b']), size)).toBe(whole);
  });

  it('chat: everything allowed keeps the calls, their arguments and the finish reason', async () => {
    const text = wire('openai.chat', reply([], 'a', 'b'));
    const out = events(await run('openai.chat', text, () => null, 5));
    const calls = out.flatMap((e) => (e.data === '[DONE]' ? [] : ((JSON.parse(e.data) as { choices: { delta?: { tool_calls?: { index: number; function: { arguments: string } }[] } }[] }).choices[0]?.delta?.tool_calls ?? [])));
    expect(calls.map((c) => c.index)).toEqual([0, 1]);
    expect(JSON.parse(calls[1]!.function.arguments)).toMatchObject({ n: 1 });
    expect(out.map((e) => e.data).filter((d) => d.includes('"finish_reason":"tool_calls"'))).toHaveLength(1);
    expect(out.at(-1)!.data).toBe('[DONE]');
  });

  it('a decision that waits holds the call, sends keep-alive comments, and lets earlier text out first', async () => {
    let release!: () => void;
    const decided = new Promise<void>((r) => (release = r));
    const text = wire('openai.chat', reply(['Before '], 'slow'));
    const gate = createToolCallGate('openai.chat', () => decided.then(() => null), 'strip', 5);
    const seen: string[] = [];
    gate.on('data', (c) => seen.push(String(c)));
    const ended = new Promise((r) => gate.on('end', r));
    gate.end(text);
    await new Promise((r) => setTimeout(r, 40));
    expect(seen.join('')).toContain('Before ');
    expect(seen.join('')).not.toContain('"slow"');
    expect(seen.some((s) => s.startsWith(': airlock'))).toBe(true);
    release();
    await ended;
    const all = seen.join('');
    expect(all).toContain('"slow"');
    expect(all.indexOf('"slow"')).toBeLessThan(all.indexOf('"finish_reason":"tool_calls"'));
    expect(all.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('error mode: the stream fails with the refusal, after the text that came before it', async () => {
    const text = wire('anthropic.messages', reply(['Text '], 'drop_b'));
    let out = '';
    const gate = Readable.from([Buffer.from(text)]).pipe(createToolCallGate('anthropic.messages', refuse(['drop_b']), 'error'));
    const error = await (async () => {
      for await (const c of gate) out += String(c);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(out).toContain('Text ');
    expect(out).not.toContain('"drop_b"');
  });

  it.each(FORMATS)('%s: a call released with edited arguments streams them, and only them', async (format) => {
    const text = wire(format, reply(['Hi '], 'edit_me', 'keep'));
    const edited: DecideToolCall = async (call) => (call.name === 'edit_me' ? { release: { ...call, arguments: { n: 99, capped: true } } } : null);
    const out = events(await run(format, text, edited, 11));
    const json = out.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Record<string, any>);
    const args: string[] = [];
    for (const j of json) {
      for (const c of j.choices?.[0]?.delta?.tool_calls ?? []) args.push(c.function.arguments);
      if (j.type === 'content_block_start' && j.content_block.type === 'tool_use') args.push('');
      if (j.delta?.type === 'input_json_delta') args[args.length - 1] += j.delta.partial_json;
      if (j.type === 'response.function_call_arguments.done') args.push(j.arguments);
    }
    expect(args.map((a) => JSON.parse(a))).toEqual([{ n: 99, capped: true }, expect.objectContaining({ n: 1 })]);
    expect(out.map((e) => e.data).join('')).not.toContain('"n\\":0');
    if (format === 'openai.responses') {
      const done = json.find((j) => j.type === 'response.completed')!;
      expect(JSON.parse((done.response.output as { name: string; arguments: string }[]).find((i) => i.name === 'edit_me')!.arguments)).toEqual({ n: 99, capped: true });
    }
  });

  it('a decision that fails ends the stream with that failure (fail closed)', async () => {
    const text = wire('openai.responses', reply([], 'x'));
    const error = await run('openai.responses', text, () => Promise.reject(new Error('engine down'))).catch((e: unknown) => e);
    expect((error as Error).message).toBe('engine down');
  });
});
