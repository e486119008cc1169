import { describe, expect, it } from 'vitest';
import { bufferedAnswer, callContext, config, nextGiving } from '../../test/helpers/stage-kit.js';
import { scanStage } from './scan.js';

describe('scan stage', () => {
  const deps = { config: config(), policy: null };

  it('counts PII by type and keeps the findings for the redact stage, leaving the body as it is', () => {
    const ctx = callContext();
    const body = { model: 'gpt-x', messages: [{ role: 'user', content: 'mail jane.doe@example.org or john@example.com, SSN 219-09-9999' }, { role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] };
    ctx.body = body;
    const next = nextGiving(bufferedAnswer({}));
    scanStage(deps, 'body').run(ctx, next);
    expect(ctx.pii).toEqual({ EMAIL: 2, SSN: 1 });
    expect(ctx.piiFindings.size).toBeGreaterThan(0);
    expect(ctx.labels['pii.non_text_parts']).toBe('1');
    expect(ctx.body).toBe(body);
    expect(next.calls).toBe(1);
  });

  it('API calls: every string of the JSON body the client sent; raw bytes are not read', () => {
    const ctx = callContext({ api: 'http', rawBody: { customer: { email: 'jane.doe@example.org' } } });
    scanStage(deps, 'rawBody').run(ctx, nextGiving(bufferedAnswer({})));
    expect(ctx.pii).toEqual({ EMAIL: 1 });
    const raw = callContext({ api: 'http', rawBody: Buffer.from('jane.doe@example.org') });
    scanStage(deps, 'rawBody').run(raw, nextGiving(bufferedAnswer({})));
    expect(raw.pii).toEqual({});
  });

  it('does nothing when neither redaction nor a policy would read the findings', () => {
    const ctx = callContext();
    ctx.body = { model: 'gpt-x', messages: [{ role: 'user', content: 'jane.doe@example.org' }] };
    scanStage({ config: config({ redaction: { enabled: false } }), policy: null }, 'body').run(ctx, nextGiving(bufferedAnswer({})));
    expect(ctx.pii).toEqual({});
    expect(ctx.piiFindings.size).toBe(0);
  });
});
