/**
 * PII redaction through the real gateway: what reaches the upstream is redacted, the client gets the originals back
 * (buffered and streamed, both SDKs), and ClickHouse never holds a raw value.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

const SSN = '219-09-9999';
const EMAIL = 'jane.doe@example.org';
const PROMPT = `My SSN is ${SSN} and my email is ${EMAIL}, please confirm.`;

let upstream: FakeUpstream;
let gw: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.setEventDelay(1);
  gw = await startGateway({ ...fakeUpstreamConfig(upstream), store: { kind: 'embedded', path: 'clickhouse' } });
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.userKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.userKey, maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const seen = () => JSON.stringify(upstream.requests.at(-1)!.body);

describe('redaction on the way out, restoration on the way back', () => {
  it('OpenAI, buffered: the upstream sees placeholders, the client the originals', async () => {
    const res = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: PROMPT }] });
    expect(seen()).not.toContain(SSN);
    expect(seen()).not.toContain(EMAIL);
    expect(seen()).toContain('<SSN_1>');
    expect(seen()).toContain('<EMAIL_1>');
    expect(res.choices[0]!.message.content).toBe(`Airlock demo model here. You said: ${PROMPT}`);
  });

  it('OpenAI, streamed: placeholders split across chunks are restored', async () => {
    const stream = await openai.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: PROMPT }] });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      chunks++;
    }
    expect(chunks).toBeGreaterThan(5);
    expect(text).toBe(`Airlock demo model here. You said: ${PROMPT}`);
    expect(seen()).not.toContain(SSN);
  });

  it('Anthropic, streamed through translation to an OpenAI upstream', async () => {
    const final = await anthropic.messages.stream({ model: 'gpt-test', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] }).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: `Airlock demo model here. You said: ${PROMPT}` });
    expect(seen()).not.toContain(EMAIL);
  });

  it('Anthropic, buffered, with content blocks and tool arguments', async () => {
    const msg = await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      tools: [{ name: 'notify', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: `Write to ${EMAIL}` }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'notify', input: { to: EMAIL } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `sent to ${EMAIL}` }] },
      ],
    });
    expect(JSON.stringify(msg)).not.toContain('<EMAIL_');
    expect(seen()).not.toContain(EMAIL);
    expect(seen()).toContain('"to":"<EMAIL_1>"');
  });

  it('ClickHouse holds counts and redacted text, never a raw value', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const store = gw.app.airlock.store!;
    await store.writer.flush();
    const [counts] = await store.db.query<{ n: string }>("SELECT count() AS n FROM calls WHERE pii_counts['SSN'] > 0");
    expect(Number(counts!.n)).toBeGreaterThanOrEqual(2);
    for (const table of ['calls', 'spans', 'call_bodies', 'audit_trail']) {
      const rows = await store.db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
      const dump = JSON.stringify(rows);
      expect(dump, table).not.toContain(SSN);
      expect(dump, table).not.toContain(EMAIL);
    }
    const [withPlaceholder] = await store.db.query<{ n: string | number }>("SELECT count() AS n FROM call_bodies WHERE position(request_text, '<SSN_1>') > 0");
    expect(Number(withPlaceholder!.n)).toBeGreaterThanOrEqual(2);
  });
});

describe('output redaction', () => {
  it('masks personal data the model writes, buffered and streamed, while the user\'s own values come back', async () => {
    const up = await startFakeUpstream();
    const gw2 = await startGateway({ ...fakeUpstreamConfig(up), redaction: { entities: ['SSN', 'EMAIL'], output: true, modes: {}, mode: 'placeholder' } });
    const client = new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.userKey, maxRetries: 0 });
    // The user's SSN goes out as <SSN_1> and the "model" repeats it: restored. The email is the model's own: masked.
    const said = 'Your SSN <SSN_1> is on file; write to records.office@example.net with questions.';
    const expected = `Your SSN ${SSN} is on file; write to [EMAIL] with questions.`;
    up.behave({ kind: 'ok', text: said });
    const res = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: `My SSN is ${SSN}` }] });
    expect(res.choices[0]!.message.content).toBe(expected);
    const stream = await client.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: `My SSN is ${SSN}` }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(expected);
    const anthropicText = await new Anthropic({ baseURL: gw2.url, apiKey: gw2.userKey, maxRetries: 0 })
      .messages.stream({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: `My SSN is ${SSN}` }] })
      .finalText();
    expect(anthropicText).toBe(expected);
    await gw2.close();
    await up.close();
  });
});
