import Fastify, { type FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Sealer } from '../crypto/sealed.js';
import { GatewayError } from '../errors.js';
import { Histogram } from '../metrics/registry.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { Answer, Stage, StageResult } from '../pipeline/stage.js';
import { bufferedAnswer } from '../../test/helpers/stage-kit.js';
import { ingress, type CallInit } from './ingress.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** One route whose pipeline answers `answer` and tells when the call ended. */
async function serve(answer: (ctx: Parameters<Stage['run']>[0]) => StageResult, init: CallInit = { api: 'openai.chat', shape: 'openai', http: null }) {
  const ended: { status: number; code: string | undefined }[] = [];
  const stages: Stage[] = [
    { id: 'end', run: (ctx, next) => (ctx.onEnd.push((c) => ended.push({ status: c.error?.status ?? c.response?.status ?? 200, code: c.error?.code })), next()) },
    { id: 'answer', run: (ctx) => answer(ctx) },
  ];
  const pipeline = new Pipeline('t', stages, new Histogram('h', 'h', ['stage'], [1]), new Sealer({ key: undefined, file: '/nonexistent' }));
  app = Fastify();
  app.post('/call', ingress(pipeline, () => init, null));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/call`;
  return { ended, post: (body: object = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-airlock-run': 'r1' }, body: JSON.stringify(body) }) };
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('ingress', () => {
  it('sends a buffered answer with its status, headers and the call headers, then ends the call once', async () => {
    const { ended, post } = await serve((ctx) => {
      ctx.workflow = { id: '', run: 'r1', step: '', traceId: null, parentSpanId: null };
      return { ...bufferedAnswer({ ok: true }, 201), headers: { 'content-type': 'application/json', 'x-upstream': 'y' } };
    });
    const res = await post();
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('y');
    expect(res.headers.get('x-airlock-call-id')).toMatch(/^call_/);
    expect(res.headers.get('x-airlock-run')).toBe('r1');
    expect(await res.json()).toEqual({ ok: true });
    await waitFor(() => ended.length > 0);
    expect(ended).toEqual([{ status: 201, code: undefined }]);
  });

  it('maps a thrown or rejected failure to the caller\'s error shape, with its headers', async () => {
    const openai = await serve(() => {
      throw new GatewayError('GW_ERR_RATE_LIMITED', 'slow down', { headers: { 'retry-after': '3' } });
    });
    const res = await openai.post();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('x-airlock-call-id')).toBeTruthy();
    expect(await res.json()).toEqual({ error: { message: 'slow down', type: 'rate_limit_exceeded', param: null, code: 'GW_ERR_RATE_LIMITED' } });
    expect(openai.ended).toEqual([{ status: 429, code: 'GW_ERR_RATE_LIMITED' }]);
    await app!.close();

    const anthropic = await serve(() => Promise.reject(new TypeError('a bug')), { api: 'anthropic.messages', shape: 'anthropic', http: null });
    const res2 = await anthropic.post();
    expect(res2.status).toBe(500);
    expect(await res2.json()).toEqual({ type: 'error', error: { type: 'api_error', message: 'Internal gateway error.' } });
  });

  it('streams an answer as it comes, and a failure midway becomes an error event in the caller\'s format', async () => {
    async function* events() {
      yield 'data: {"n":1}\n\n';
      await new Promise((r) => setTimeout(r, 20));
      throw new GatewayError('GW_ERR_UPSTREAM_TIMEOUT', 'upstream idle timeout');
    }
    // An adapter's outcome rejects with the failure that cut its stream.
    const outcome = new Promise<never>((_, reject) => setTimeout(() => reject(new GatewayError('GW_ERR_UPSTREAM_TIMEOUT', 'upstream idle timeout')), 20));
    outcome.catch(() => undefined);
    const { ended, post } = await serve(() => ({ headers: { 'content-type': 'text/event-stream' }, stream: Readable.from(events()), outcome }) as Answer);
    const res = await post();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('data: {"n":1}');
    expect(text).toContain('"code":"GW_ERR_UPSTREAM_TIMEOUT"');
    await waitFor(() => ended.length > 0);
    expect(ended).toEqual([{ status: 504, code: 'GW_ERR_UPSTREAM_TIMEOUT' }]);
  });

  it('an API call\'s stream is passed on as its system sent it, ending the call when it is done', async () => {
    const { ended, post } = await serve(() => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, stream: Readable.from([Buffer.from('abc'), Buffer.from('def')]), outcome: Promise.resolve(null) }), { api: 'http', shape: 'openai', http: { system: 's', method: 'POST', path: '/' } });
    const res = await post();
    expect(await res.text()).toBe('abcdef');
    await waitFor(() => ended.length > 0);
    expect(ended).toEqual([{ status: 200, code: undefined }]);
  });
});
