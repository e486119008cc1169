import { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { SseParser, sseFrame } from '../providers/http/sse.js';
import { Vault, redactText } from './modes.js';
import { PlaceholderRestorer, StreamRedactor, createRestoreTransform } from './stream-restore.js';

function vaultWith(values: [string, string][]): Vault {
  const v = new Vault();
  for (const [type, value] of values) v.placeholderFor(type as 'EMAIL', value);
  return v;
}

describe('PlaceholderRestorer', () => {
  it('restores a placeholder however the text is split, holding back only what could still be one', () => {
    const vault = vaultWith([['EMAIL', 'a@b.co'], ['SSN', '219-09-9999']]);
    const text = 'mail <EMAIL_1> and <SSN_1>, not <b> nor <EMAIL_9>.';
    for (let cut = 1; cut < text.length; cut++) {
      for (let cut2 = cut; cut2 < text.length; cut2 += 3) {
        const r = new PlaceholderRestorer(vault);
        const out = r.push(text.slice(0, cut)) + r.push(text.slice(cut, cut2)) + r.push(text.slice(cut2)) + r.flush();
        expect(out).toBe('mail a@b.co and 219-09-9999, not <b> nor <EMAIL_9>.');
      }
    }
    const r = new PlaceholderRestorer(vault);
    expect(r.push('hello <EMA')).toBe('hello ');
    expect(r.holding).toBe(true);
    expect(r.push('X')).toBe('<EMAX');
    expect(r.holding).toBe(false);
  });
});

async function run(format: 'openai.chat' | 'anthropic.messages', frames: string[], vault: Vault, splitEvery: number): Promise<{ event: string | undefined; json: Record<string, unknown> }[]> {
  const bytes = Buffer.from(frames.join(''));
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += splitEvery) pieces.push(bytes.subarray(i, i + splitEvery));
  const out = await readText(Readable.from(pieces).pipe(createRestoreTransform(format, vault)));
  const p = new SseParser();
  return [...p.push(out), ...p.end()].filter((e) => e.data !== '[DONE]').map((e) => ({ event: e.event, json: JSON.parse(e.data) as Record<string, unknown> }));
}

describe('createRestoreTransform', () => {
  const vault = vaultWith([['EMAIL', 'jane@example.org']]);

  it('OpenAI chunks: a placeholder split over deltas is restored before the finish chunk', async () => {
    const chunk = (delta: object, finish: string | null = null) => sseFrame({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
    const frames = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Write to <EM' }), chunk({ content: 'AIL_1> now <EMA' }), chunk({}, 'stop'), 'data: [DONE]\n\n'];
    for (const split of [1, 7, 1000]) {
      const events = await run('openai.chat', frames, vault, split);
      const text = events.map((e) => ((e.json.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '')).join('');
      expect(text).toBe('Write to jane@example.org now <EMA');
      expect((events.at(-1)!.json.choices as { finish_reason: string }[])[0]!.finish_reason).toBe('stop');
    }
  });

  it('Anthropic events: text and tool-input deltas are restored, held text released before content_block_stop', async () => {
    const ev = (type: string, data: object) => sseFrame({ type, ...data }, type);
    const frames = [
      ev('message_start', { message: { id: 'm', content: [] } }),
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'to <EMAIL' } }),
      ev('ping', {}),
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: '_1' } }),
      ev('content_block_stop', { index: 0 }),
      ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 't', name: 'n', input: {} } }),
      ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"to":"<EMAIL_1>"}' } }),
      ev('content_block_stop', { index: 1 }),
      ev('message_stop', {}),
    ];
    const events = await run('anthropic.messages', frames, vault, 5);
    const text = events.filter((e) => (e.json.delta as { type?: string } | undefined)?.type === 'text_delta').map((e) => (e.json.delta as { text: string }).text).join('');
    expect(text).toBe('to <EMAIL_1');
    const json = events.filter((e) => (e.json.delta as { type?: string } | undefined)?.type === 'input_json_delta').map((e) => (e.json.delta as { partial_json: string }).partial_json).join('');
    expect(JSON.parse(json)).toEqual({ to: 'jane@example.org' });
    const stopAt = events.findIndex((e) => e.json.type === 'content_block_stop');
    expect(events.slice(0, stopAt).every((e) => e.event === e.json.type)).toBe(true);
  });
});

describe('StreamRedactor (output redaction)', () => {
  const redact = (text: string) => redactText(text, { entities: new Set(['EMAIL', 'CREDIT_CARD'] as const), mode: 'mask', tier: 'fast' }, new Vault());

  it('masks an entity split across chunks, releasing text once the window has passed it', () => {
    const text = 'Contact jane.doe@example.org or pay with 4111 1111 1111 1111 before the end of the month, thanks a lot!';
    for (const size of [1, 3, 7, 20]) {
      const r = new StreamRedactor(redact, 32);
      let out = '';
      for (let i = 0; i < text.length; i += size) out += r.push(text.slice(i, i + size));
      out += r.flush();
      expect(out).toBe('Contact [EMAIL] or pay with [CREDIT_CARD] before the end of the month, thanks a lot!');
    }
  });

  it('holds back no more than the window', () => {
    const r = new StreamRedactor(redact, 10);
    expect(r.push('a'.repeat(25))).toBe('a'.repeat(15));
  });
});

describe('streams output redaction cannot read', () => {
  const redact = (text: string) => redactText(text, { entities: new Set(['EMAIL'] as const), mode: 'mask', tier: 'fast' }, new Vault());
  const chunk = (content: string) => sseFrame({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
  const frames = [chunk('hello '), 'data: {not json\n\n', chunk('mail a@b.io')];

  it('are stopped with an error event when the policy says block', async () => {
    const out = await readText(Readable.from([frames.join('')]).pipe(createRestoreTransform('openai.chat', new Vault(), { redactOutput: redact, onUnsafe: 'block' })));
    expect(out).toContain('could not be checked for personal data');
    expect(out).not.toContain('a@b.io');
  });

  it('pass through unread events when the policy says pass, still redacting what it can read', async () => {
    const out = await readText(Readable.from([frames.join('')]).pipe(createRestoreTransform('openai.chat', new Vault(), { redactOutput: redact, onUnsafe: 'pass' })));
    expect(out).toContain('data: {not json');
    expect(out).toContain('[EMAIL]');
    expect(out).not.toContain('a@b.io');
  });
});
