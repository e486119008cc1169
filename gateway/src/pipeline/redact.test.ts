import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bufferedAnswer, callContext, config, nextGiving } from '../../test/helpers/stage-kit.js';
import { redactStage } from './redact.js';
import { scanStage } from './scan.js';
import type { Answer } from './stage.js';

const EMAIL = 'jane.doe@example.org';
const cfg = config();

/** A call as the scan stage leaves it. */
function scanned(content: string) {
  const ctx = callContext();
  ctx.body = { model: 'gpt-x', messages: [{ role: 'user', content }] };
  scanStage({ config: cfg, policy: null }, 'body').run(ctx, nextGiving(bufferedAnswer({})));
  return ctx;
}

const echo = (text: string) => bufferedAnswer({ choices: [{ message: { role: 'assistant', content: text } }] });
const contentOf = (a: Answer) => (JSON.parse(a.body!.toString()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;

describe('redact stage', () => {
  it('sends placeholders and restores the originals in the answer it gets back', () => {
    const ctx = scanned(`write to ${EMAIL}`);
    let sent = '';
    const next = nextGiving(() => {
      sent = JSON.stringify(ctx.body);
      return echo('I will write to <EMAIL_1>.');
    });
    const answer = redactStage({ config: cfg, store: null }).run(ctx, next) as Answer;
    expect(sent).toContain('<EMAIL_1>');
    expect(sent).not.toContain(EMAIL);
    expect(contentOf(answer)).toBe(`I will write to ${EMAIL}.`);
  });

  it('wraps an answer that comes as a promise, and a stream', async () => {
    const ctx = scanned(`write to ${EMAIL}`);
    const later = redactStage({ config: cfg, store: null }).run(ctx, () => Promise.resolve(echo('to <EMAIL_1>')));
    expect(contentOf(await later)).toBe(`to ${EMAIL}`);

    const streamed = scanned(`write to ${EMAIL}`);
    const frames = ['data: {"choices":[{"index":0,"delta":{"content":"to <EMA"}}]}\n\n', 'data: {"choices":[{"index":0,"delta":{"content":"IL_1>"}}]}\n\n', 'data: [DONE]\n\n'];
    const answer = redactStage({ config: cfg, store: null }).run(streamed, () => ({ headers: {}, stream: Readable.from(frames), outcome: Promise.resolve(null) })) as Answer;
    let text = '';
    for await (const chunk of answer.stream!) text += String(chunk);
    expect(text).toContain(EMAIL);
    expect(text).not.toContain('<EMAIL_1>');
  });

  it('with nothing found, the body and the answer go through untouched', () => {
    const ctx = scanned('nothing personal here');
    const body = ctx.body;
    const original = echo('fine');
    expect(redactStage({ config: cfg, store: null }).run(ctx, () => original)).toBe(original);
    expect(ctx.body).toBe(body);
    expect(ctx.redaction).toBeNull();
  });

  it('keeps what the upstream sent (placeholders) and the redacted request for the trace when a store is on', () => {
    const ctx = scanned(`write to ${EMAIL}`);
    const answer = redactStage({ config: cfg, store: {} as never }).run(ctx, () => echo('to <EMAIL_1>')) as Answer;
    expect(ctx.redactedRequest).toContain('<EMAIL_1>');
    expect(ctx.upstreamResponseText).toContain('<EMAIL_1>');
    expect(contentOf(answer)).toBe(`to ${EMAIL}`);
  });

  it('masks PII the model writes when the plan says output', () => {
    const ctx = scanned('hello');
    ctx.redactionPlan = { ...cfg.redaction!.plan, output: true };
    const answer = redactStage({ config: cfg, store: null }).run(ctx, () => echo('reach me at bob@example.com')) as Answer;
    expect(contentOf(answer)).toBe('reach me at [EMAIL]');
  });

  it('resume: for a call redacted in another process, only restores (the body is not redacted again)', () => {
    const ctx = scanned(`write to ${EMAIL}`);
    redactStage({ config: cfg, store: null }).run(ctx, () => echo(''));
    const body = ctx.body;
    const answer = redactStage({ config: cfg, store: null }).resume!(ctx, () => echo('to <EMAIL_1>')) as Answer;
    expect(ctx.body).toBe(body);
    expect(contentOf(answer)).toBe(`to ${EMAIL}`);
  });
});
