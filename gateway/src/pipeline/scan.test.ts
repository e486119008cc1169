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

  it('counts PII in the side fields too: user, metadata, names, stop sequences, unknown fields, workflow headers', () => {
    const ctx = callContext();
    ctx.workflow = { id: 'wf', run: 'run-for-ann@example.org', step: 'draft', traceId: null, parentSpanId: null };
    ctx.body = {
      model: 'gpt-x',
      user: 'a@example.org',
      metadata: { customer: 'b@example.org' },
      stop: ['c@example.org'],
      x_new_field: 'd@example.org',
      messages: [{ role: 'user', name: 'e@example.org', content: 'hi', tool_call_id: 'f@example.org' }],
    };
    scanStage(deps, 'body').run(ctx, nextGiving(bufferedAnswer({})));
    // The tool call id is structural (STRUCTURAL in redaction/messages.ts): everything else is read.
    expect(ctx.pii).toEqual({ EMAIL: 6 });
  });

  it('API calls: every string of the JSON body, the query string and a text body; binary bodies are not read', () => {
    const ctx = callContext({ api: 'http', rawBody: { customer: { email: 'jane.doe@example.org' } } });
    scanStage(deps, 'rawBody').run(ctx, nextGiving(bufferedAnswer({})));
    expect(ctx.pii).toEqual({ EMAIL: 1 });
    const query = callContext({ api: 'http', http: { system: 'crm', method: 'GET', path: '/find?email=jane.doe%40example.org' } });
    scanStage(deps, 'rawBody').run(query, nextGiving(bufferedAnswer({})));
    expect(query.pii).toEqual({ EMAIL: 1 });
    const form = callContext({ api: 'http', rawBody: Buffer.from('note=call jane.doe@example.org'), headers: { 'content-type': 'text/plain' } });
    scanStage(deps, 'rawBody').run(form, nextGiving(bufferedAnswer({})));
    expect(form.pii).toEqual({ EMAIL: 1 });
    const raw = callContext({ api: 'http', rawBody: Buffer.from('jane.doe@example.org'), headers: { 'content-type': 'application/octet-stream' } });
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
