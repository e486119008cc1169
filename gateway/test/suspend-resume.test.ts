/**
 * A call suspended by a stage in one gateway is resumed by a new gateway instance (another process in production:
 * it shares only the config and the encryption key) and answers what it would have answered without the pause,
 * buffered and streamed, model and API calls, with its placeholders' originals sealed in the record.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../src/pipeline/call-context.js';
import type { Answer, Stage } from '../src/pipeline/stage.js';
import { suspend, type SuspendedCall } from '../src/pipeline/suspend.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { ADMIN_KEY, fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

const EMAIL = 'jane.doe@example.org';
const PROMPT = `Please write to ${EMAIL} about my order.`;

/** Records suspended by the hold stages, by the id the test gave the call in `x-test-hold`. */
const held = new Map<string, SuspendedCall>();

/** Suspends a call that names this stage in `x-test-hold`, and answers 202 with the call's id. */
function holdStage(id: string): Stage {
  return {
    id,
    run(ctx: CallContext, next) {
      const want = ctx.headers['x-test-hold'];
      if (want !== id) return next();
      const record = suspend(ctx, id);
      held.set(String(ctx.headers['x-test-call']), JSON.parse(JSON.stringify(record)) as SuspendedCall);
      const body = Buffer.from(JSON.stringify({ suspended: ctx.id, resume_at: record.resume_at }));
      return { status: 202, headers: { 'content-type': 'application/json' }, body, outcome: Promise.resolve(null) } satisfies Answer;
    },
  };
}

function insertAfter(list: Stage[], after: string, stage: Stage): Stage[] {
  const i = list.findIndex((s) => s.id === after);
  return [...list.slice(0, i + 1), stage, ...list.slice(i + 1)];
}

const withHolds = (name: 'model' | 'api' | 'mcp', declared: Stage[]): Stage[] =>
  name === 'model'
    ? insertAfter(insertAfter(declared, 'policy', holdStage('hold-after-policy')), 'redact', holdStage('hold-after-redact'))
    : insertAfter(declared, 'policy', holdStage('hold-api'));

let upstream: FakeUpstream;
let crm: Server;
let crmSeen: { method: string; url: string; auth: string; body: string }[];
let first: TestGateway;
let second: TestGateway;
let stranger: TestGateway;
const KEY = randomBytes(32).toString('base64');

async function gateway(key: string): Promise<TestGateway> {
  const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
  return startGateway(
    { ...fakeUpstreamConfig(upstream), systems: { crm: { base_url: `${crmUrl}/base`, methods: ['GET', 'POST'], headers: { authorization: 'Bearer crm-secret' } } } },
    { env: { AIRLOCK_ENCRYPTION_KEY: key }, build: { stages: withHolds } },
  );
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.setEventDelay(1);
  crmSeen = [];
  crm = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      crmSeen.push({ method: req.method!, url: req.url!, auth: String(req.headers.authorization), body });
      res.writeHead(201, { 'content-type': 'application/json', 'x-crm': 'yes' });
      res.end(JSON.stringify({ ok: true, received: body ? JSON.parse(body) : null }));
    });
  });
  await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
  first = await gateway(KEY);
  second = await gateway(KEY);
  stranger = await gateway(randomBytes(32).toString('base64'));
});

afterAll(async () => {
  await Promise.all([first?.close(), second?.close(), stranger?.close()]);
  await upstream?.close();
  crm?.close();
});

const chat = (gw: TestGateway, body: object, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.userKey}`, ...headers },
    body: JSON.stringify(body),
  });

async function text(answer: Answer): Promise<string> {
  if (answer.body) return answer.body.toString('utf8');
  let out = '';
  for await (const chunk of answer.stream as Readable) out += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  return out;
}

/** The answer's text with the one thing that may differ between two runs of the same call: the time. */
const timeless = (s: string): string => s.replace(/"created(_at)?":\s*\d+/g, '"created":0');

async function suspendOn(gw: TestGateway, stage: string, body: object): Promise<SuspendedCall> {
  const id = randomBytes(6).toString('hex');
  const res = await chat(gw, body, { 'x-test-hold': stage, 'x-test-call': id });
  expect(res.status).toBe(202);
  const answered = (await res.json()) as { suspended: string };
  expect(res.headers.get('x-airlock-call-id')).toBe(answered.suspended);
  return held.get(id)!;
}

describe('suspend and resume', () => {
  for (const stage of ['hold-after-policy', 'hold-after-redact']) {
    for (const stream of [false, true]) {
      it(`${stream ? 'streamed' : 'buffered'}, suspended at ${stage}: a new gateway instance resumes it and answers as without the pause`, async () => {
        const body = { model: 'gpt-test', stream, messages: [{ role: 'user', content: PROMPT }] };
        const direct = await chat(first, body);
        expect(direct.status).toBe(200);
        const expected = await direct.text();
        expect(expected).toContain(EMAIL);

        const before = upstream.requests.length;
        const record = await suspendOn(first, stage, body);
        // Nothing left the gateway while the call was suspended.
        expect(upstream.requests.length).toBe(before);
        expect(record.resume_at).toBe(stage === 'hold-after-policy' ? 'redact' : 'route');
        // The originals are sealed: the record in the clear holds no PII and no credentials.
        const stored = JSON.stringify(record);
        expect(stored).not.toContain(EMAIL);
        expect(stored).not.toContain(first.userKey);
        expect(record.call.pii).toEqual({ EMAIL: 1 });
        if (stage === 'hold-after-redact') expect(JSON.stringify(record.call.body)).toContain('<EMAIL_1>');
        else expect(record.call.body).toBeNull();

        const answer = await second.app.airlock.resume(record);
        expect(answer.status ?? 200).toBe(200);
        expect(timeless(await text(answer))).toBe(timeless(expected));
        // The upstream got the redacted request, once.
        expect(upstream.requests.length).toBe(before + 1);
        const sent = JSON.stringify(upstream.requests.at(-1)!.body);
        expect(sent).toContain('<EMAIL_1>');
        expect(sent).not.toContain(EMAIL);
      });
    }
  }

  it('the resuming gateway records the call when its answer has been consumed, with its stages timed', async () => {
    const record = await suspendOn(first, 'hold-after-policy', { model: 'gpt-test', messages: [{ role: 'user', content: 'count me' }] });
    const metrics = async (gw: TestGateway) => (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const count = (m: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(m)?.[1] ?? 0);
    const before = await metrics(second);
    await text(await second.app.airlock.resume(record));
    await new Promise((r) => setTimeout(r, 50));
    const after = await metrics(second);
    expect(count(after, 'airlock_requests_total{api="openai.chat",status="200"}')).toBe(count(before, 'airlock_requests_total{api="openai.chat",status="200"}') + 1);
    // Only the stages from the resume point on ran in the resuming gateway.
    expect(count(after, 'airlock_stage_seconds_count{stage="route"}')).toBe(count(before, 'airlock_stage_seconds_count{stage="route"}') + 1);
    expect(count(after, 'airlock_stage_seconds_count{stage="policy"}')).toBe(count(before, 'airlock_stage_seconds_count{stage="policy"}'));
  });

  it('an API call through /api/:system resumes and is forwarded with the gateway\'s credentials', async () => {
    const id = randomBytes(6).toString('hex');
    const res = await fetch(`${first.url}/api/crm/contacts?limit=5`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.userKey}`, 'x-test-hold': 'hold-api', 'x-test-call': id },
      body: JSON.stringify({ name: 'Ann', email: EMAIL }),
    });
    expect(res.status).toBe(202);
    expect(crmSeen).toHaveLength(0);
    const record = held.get(id)!;
    expect(JSON.stringify(record)).not.toContain(EMAIL);
    const answer = await second.app.airlock.resume(record);
    expect(answer.status).toBe(201);
    expect(answer.headers['x-crm']).toBe('yes');
    expect(JSON.parse(await text(answer))).toEqual({ ok: true, received: { name: 'Ann', email: EMAIL } });
    expect(crmSeen.at(-1)).toMatchObject({ method: 'POST', url: '/base/contacts?limit=5', auth: 'Bearer crm-secret' });
  });

  it('does not resume a record that was altered, or under another encryption key', async () => {
    const record = await suspendOn(first, 'hold-after-policy', { model: 'gpt-test', messages: [{ role: 'user', content: PROMPT }] });
    const altered = structuredClone(record);
    altered.call.principal!.team = 'someone-else';
    await expect(second.app.airlock.resume(altered)).rejects.toThrow(/does not verify/);
    const skipped = { ...structuredClone(record), resume_at: 'route' };
    await expect(second.app.airlock.resume(skipped)).rejects.toThrow(/does not verify/);
    await expect(stranger.app.airlock.resume(record)).rejects.toThrow(/does not verify/);
    await expect(second.app.airlock.resume({ version: 1 })).rejects.toThrow(/Not a suspended call/);
    // The genuine record still resumes.
    expect(timeless(await text(await second.app.airlock.resume(record)))).toContain(EMAIL);
  });
});
