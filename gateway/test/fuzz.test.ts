/**
 * Seeded fuzz of every route with malformed requests: wrong types, missing fields, deep nesting, huge numbers, bad
 * JSON, wrong content types and odd headers. Bad input must never reach a 5xx from the gateway itself, every error
 * comes in the route's API shape, and the gateway keeps serving afterwards. The seed is printed with any failure so
 * a case can be replayed (FUZZ_SEED=… FUZZ_CASES=…; FUZZ_CASE=n prints case n and its answer).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { random } from '../bench/prompts.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);
const CASES = Number(process.env.FUZZ_CASES ?? 3_600);


type Json = unknown;
type Route = { method: string; path: string; shape: 'openai' | 'anthropic'; admin?: boolean; body?: () => Record<string, Json>; query?: Record<string, string> };

const MODELS = ['gpt-test', 'claude-test', 'demo-1', 'gpt-alias'];

const ROUTES: Route[] = [
  {
    method: 'POST',
    path: '/v1/chat/completions',
    shape: 'openai',
    body: () => ({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }], name: 'ann' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'result' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'd', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
      tool_choice: 'auto',
      max_tokens: 20,
      temperature: 0.5,
      stop: ['x'],
      user: 'u1',
      metadata: { a: 'b' },
      stream: false,
      stream_options: { include_usage: true },
      response_format: { type: 'text' },
    }),
  },
  {
    method: 'POST',
    path: '/v1/responses',
    shape: 'openai',
    body: () => ({
      model: 'gpt-test',
      instructions: 'be brief',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }],
      max_output_tokens: 20,
      stream: false,
      metadata: { a: 'b' },
      user: 'u1',
      text: { format: { type: 'text' } },
    }),
  },
  { method: 'POST', path: '/v1/embeddings', shape: 'openai', body: () => ({ model: 'gpt-test', input: ['a', 'b'], encoding_format: 'float', user: 'u1', dimensions: 3 }) },
  {
    method: 'POST',
    path: '/v1/messages',
    shape: 'anthropic',
    body: () => ({
      model: 'claude-test',
      max_tokens: 20,
      system: [{ type: 'text', text: 'be brief' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'tu_1', name: 'lookup', input: { q: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: 'ok' }] },
      ],
      tools: [{ name: 'lookup', description: 'd', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'auto' },
      metadata: { user_id: 'u1' },
      stop_sequences: ['x'],
      temperature: 0.5,
      stream: false,
    }),
  },
  { method: 'GET', path: '/v1/models', shape: 'openai' },
  { method: 'POST', path: '/v1/traces', shape: 'openai', body: () => ({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] }) },
  { method: 'POST', path: '/api/crm/contacts', shape: 'openai', body: () => ({ name: 'x', tags: ['a'] }) },
  { method: 'GET', path: '/api/crm/contacts', shape: 'openai', query: { limit: '5' } },
  { method: 'POST', path: '/admin/policies/evaluate', shape: 'openai', admin: true, body: () => ({ input: { principal: { team: 'platform' }, call: { model: 'gpt-test' } } }) },
  {
    method: 'POST',
    path: '/admin/policies/evaluate',
    shape: 'openai',
    admin: true,
    body: () => ({ input: { n: 0 }, candidate: { modules: [{ file: 'p.rego', source: 'package airlock\nimport rego.v1\ndecision := {"allow": 1 / input.n}\n' }] } }),
  },
  { method: 'POST', path: '/admin/keys', shape: 'openai', admin: true, body: () => ({ team: 'platform', user: 'fuzz', roles: ['user'] }) },
  { method: 'GET', path: '/admin/calls', shape: 'openai', admin: true, query: { limit: '5' } },
  { method: 'GET', path: '/admin/metrics/kpis', shape: 'openai', admin: true, query: { from: '2026-01-01' } },
  { method: 'GET', path: '/admin/audit/export', shape: 'openai', admin: true, query: { format: 'csv' } },
  { method: 'GET', path: '/admin/deployments', shape: 'openai', admin: true },
  { method: 'POST', path: '/admin/policies/reload', shape: 'openai', admin: true },
];

function deep(depth: number, r: () => number): string {
  const open = r() < 0.5 ? '[' : '{"a":';
  const close = open === '[' ? ']' : '}';
  return open.repeat(depth) + '1' + close.repeat(depth);
}

/** Values of every kind a field might wrongly get. Strings are JSON text, so they can hold what JSON.stringify cannot. */
function weirdValue(r: () => number): string {
  const pick = Math.floor(r() * 24);
  switch (pick) {
    case 0: return 'null';
    case 1: return 'true';
    case 2: return '0';
    case 3: return '-1';
    case 4: return '1e308';
    case 5: return '-1e400';
    case 6: return '123456789012345678901234567890';
    case 7: return '0.0000001';
    case 8: return '""';
    case 9: return JSON.stringify('x'.repeat(Math.floor(r() * 20_000)));
    case 10: return '"\\ud800"';
    case 11: return '"\\u0000\\u001f\\ufffe"';
    case 12: return '[]';
    case 13: return '{}';
    case 14: return '[1,"a",null,{}]';
    case 15: return '{"type":5,"text":[],"name":{},"role":null}';
    case 16: return deep(1_000 + Math.floor(r() * 10_000), r);
    case 17: return deep(20 + Math.floor(r() * 200), r);
    case 18: return '[{"type":"function"}]';
    case 19: return '[{"type":"text","text":5}]';
    case 20: return '{"__proto__":{"polluted":1}}';
    case 21: return '"gpt-test"';
    case 22: return '[[["a"]]]';
    default: return JSON.stringify(String.fromCharCode(...Array.from({ length: 12 }, () => Math.floor(r() * 0xffff))));
  }
}

/** Every path into a value: a mutation target. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

const MARK = '\u0000WEIRD\u0000';

/** The body with one place set to a raw JSON fragment (or removed). */
function mutate(body: Record<string, Json>, r: () => number): string {
  const all = paths(body).filter((p) => p.length > 0);
  const target = all[Math.floor(r() * all.length)]!;
  const fragments: string[] = [];
  const copy = structuredClone(body) as Record<string, Json>;
  let holder: Record<string | number, Json> = copy;
  for (const k of target.slice(0, -1)) holder = holder[k] as Record<string | number, Json>;
  const last = target[target.length - 1]!;
  if (r() < 0.15) {
    if (Array.isArray(holder)) holder.splice(last as number, 1);
    else delete holder[last];
  } else {
    fragments.push(weirdValue(r));
    holder[last] = MARK + (fragments.length - 1);
  }
  if (r() < 0.3) {
    fragments.push(weirdValue(r));
    copy[['model', 'messages', 'input', 'tools', 'stream', 'max_tokens', 'system', 'candidate', 'zzz'][Math.floor(r() * 9)]!] = MARK + (fragments.length - 1);
  }
  if (r() < 0.2) copy.model = MODELS[Math.floor(r() * MODELS.length)];
  return JSON.stringify(copy).replace(/"\\u0000WEIRD\\u0000(\d+)"/g, (_m, i: string) => fragments[Number(i)]!);
}

/** A request body that is wrong as a whole. */
function brokenBody(valid: string, r: () => number): string {
  switch (Math.floor(r() * 9)) {
    case 0: return valid.slice(0, Math.floor(r() * valid.length));
    case 1: return valid + '}}';
    case 2: return '';
    case 3: return '[]';
    case 4: return '"just a string"';
    case 5: return '42';
    case 6: return 'null';
    case 7: return valid.replace(/"/g, "'");
    default: return deep(5_000 + Math.floor(r() * 10_000), r);
  }
}

const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml', 'application/x-protobuf', '', 'application/json; charset=utf-8'];

interface Case {
  readonly route: Route;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

function makeCase(r: () => number, gw: TestGateway): Case {
  const route = ROUTES[Math.floor(r() * ROUTES.length)]!;
  const key = route.admin && r() < 0.9 ? gw.adminKey : r() < 0.05 ? 'not-a-key' : gw.userKey;
  const headers: Record<string, string> = {};
  const auth = r();
  if (auth < 0.85) headers[route.shape === 'anthropic' && r() < 0.5 ? 'x-api-key' : 'authorization'] = route.shape === 'anthropic' && !('authorization' in headers) ? key : `Bearer ${key}`;
  else if (auth < 0.9) headers.authorization = 'Bearer';
  else if (auth < 0.95) headers.authorization = `Basic ${key}`;
  if (!headers.authorization && !headers['x-api-key']) headers.authorization = `Bearer ${key}`;
  if (headers['x-api-key']) headers['x-api-key'] = key;
  if (r() < 0.15) headers['x-airlock-step'] = 'step-' + 'é'.repeat(Math.floor(r() * 400));
  if (r() < 0.1) headers['x-airlock-workflow'] = ['', ' ', 'a'.repeat(5_000), 'wf/../x'][Math.floor(r() * 4)]!;
  if (r() < 0.1) headers.traceparent = ['00-zz-yy-01', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '00-00000000000000000000000000000000-b7ad6b7169203331-01', 'x'.repeat(300)][Math.floor(r() * 4)]!;
  if (r() < 0.05) headers['idempotency-key'] = 'k'.repeat(Math.floor(r() * 2_000));
  if (r() < 0.05) headers['accept'] = 'text/event-stream';
  if (r() < 0.03) headers['content-encoding'] = 'gzip';

  let method = route.method;
  if (r() < 0.04) method = ['PUT', 'DELETE', 'PATCH', 'GET', 'POST'][Math.floor(r() * 5)]!;
  let query = route.query ? new URLSearchParams(route.query).toString() : '';
  if (r() < 0.2) {
    const bad = ['limit=-1', 'limit=1e400', 'from=not-a-date', 'to=%ZZ', 'format=xml', 'a[b]=c', 'limit=' + '9'.repeat(400), 'from=2026-13-45T99:99', '%00=%00'];
    query = [query, bad[Math.floor(r() * bad.length)]].filter(Boolean).join('&');
  }
  const url = gw.url + route.path + (query ? `?${query}` : '');
  let body: string | undefined;
  if (method !== 'GET' && route.body) {
    const valid = route.body();
    const text = JSON.stringify(valid);
    const kind = r();
    body = kind < 0.75 ? mutate(valid, r) : kind < 0.93 ? brokenBody(text, r) : text;
    headers['content-type'] = r() < 0.85 ? 'application/json' : CONTENT_TYPES[Math.floor(r() * CONTENT_TYPES.length)]!;
    if (!headers['content-type']) delete headers['content-type'];
  } else if (method !== 'GET' && r() < 0.5) {
    body = brokenBody('{}', r);
    headers['content-type'] = 'application/json';
  }
  return { route, method, url, headers, body };
}

let upstream: FakeUpstream;
let gw: TestGateway;
let crm: Server;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.setEventDelay(0);
  crm = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
  const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
  gw = await startGateway({
    ...fakeUpstreamConfig(upstream),
    policy: { enabled: true, watch: false },
    systems: { crm: { base_url: crmUrl, methods: ['GET', 'POST'] } },
  });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await new Promise<void>((resolve) => crm.close(() => resolve()));
});

function shapeOk(route: Route, status: number, text: string): boolean {
  if (status < 400) return true;
  let body: { type?: unknown; error?: { type?: unknown; message?: unknown; code?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return false;
  }
  if (typeof body.error?.message !== 'string' || typeof body.error.type !== 'string') return false;
  // OpenAI's own errors may carry a null code (an upstream's error passed through as sent).
  return route.shape === 'anthropic' && route.path.startsWith('/v1/messages') ? body.type === 'error' : 'code' in body.error;
}

describe(`fuzz: ${CASES} malformed requests across every route (seed ${SEED})`, () => {
  it('never answers 5xx, always answers in the route\'s API shape, and keeps serving', async () => {
    const r = random(SEED);
    const cases = Array.from({ length: CASES }, () => makeCase(r, gw));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const i = next++;
        const c = cases[i]!;
        const res = await request(c.url, { method: c.method as 'POST', headers: c.headers, body: c.body });
        const text = await res.body.text();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const what = `#${i} ${c.method} ${c.url.slice(gw.url.length, gw.url.length + 80)} ${JSON.stringify(c.headers).slice(0, 160)} ${(c.body ?? '').slice(0, 200)}`;
        if (process.env.FUZZ_CASE === String(i)) console.log(what, c.body, res.statusCode, res.headers, text);
        if (res.statusCode >= 500) failures.push(`${res.statusCode} ${what} → ${text.slice(0, 200)}`);
        else if (!shapeOk(c.route, res.statusCode, text)) failures.push(`shape ${res.statusCode} ${what} → ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    const summary = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
    expect(failures, `seed ${SEED}; statuses ${summary}\n${failures.slice(0, 15).join('\n')}`).toEqual([]);
    // Malformed input was the point: most cases must have been refused, not served.
    expect([...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(CASES / 3);

    const ok = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'still there?' }] }),
    });
    expect(ok.statusCode).toBe(200);
    await ok.body.text();
  }, 180_000);
});

describe('the malformed requests that used to reach a 500 get a 400 naming the field, in the caller\'s shape', () => {
  const send = async (path: string, body: string) => {
    const res = await request(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' }, body });
    return { status: res.statusCode, body: (await res.body.json()) as { type?: string; error: { message: string; param?: string | null; code?: string } } };
  };
  const nested = '['.repeat(10_000) + ']'.repeat(10_000);

  for (const [path, payload] of [
    ['/v1/responses', { model: 'gpt-test', input: 'hi', tools: 'x' }],
    // Embeddings take no tools, but the policy input reads `tools` on every API: a wrong type never reaches it or the upstream.
    ['/v1/embeddings', { model: 'gpt-test', input: 'hi', tools: 'x' }],
    ['/v1/embeddings', { model: 'gpt-test', input: 'hi', tools: [{ function: 'x' }] }],
  ] as const) {
    it(`wrong-typed tools on ${path}: ${JSON.stringify(payload.tools)}`, async () => {
      const before = upstream.requests.length;
      const { status, body } = await send(path, JSON.stringify(payload));
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ param: expect.stringMatching(/^tools/), code: 'GW_ERR_INVALID_REQUEST' });
      expect(body.error.message).toContain('`tools');
      expect(upstream.requests.length).toBe(before);
    });
  }

  it('wrong-typed fields the gateway reads on every API', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 5 }] }, 'messages.0.content'],
      ['/v1/chat/completions', { model: 'gpt-test', messages: [null] }, 'messages.0'],
      ['/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'assistant', tool_calls: [{ function: 'x' }] }] }, 'messages.0.tool_calls.0.function'],
      ['/v1/embeddings', { model: 'gpt-test', input: 'x', dimensions: 'big' }, 'dimensions'],
      ['/v1/responses', { model: 'gpt-test', input: [null] }, 'input'],
      ['/v1/messages', { model: 'claude-test', max_tokens: 5, system: 5, messages: [{ role: 'user', content: 'x' }] }, 'system'],
    ];
    for (const [path, payload, param] of cases) {
      const { status, body } = await send(path, JSON.stringify(payload));
      expect(status, `${path} ${JSON.stringify(payload)}`).toBe(400);
      expect(path === '/v1/messages' ? body.type : body.error.param).toBe(path === '/v1/messages' ? 'error' : param);
      expect(body.error.message).toContain(`\`${param}`);
    }
  });

  it('JSON nested 10,000 deep, on an OpenAI and an Anthropic route', async () => {
    const openai = await send('/v1/chat/completions', `{"model":"gpt-test","messages":[{"role":"user","content":${nested}}]}`);
    expect(openai.status).toBe(400);
    expect(openai.body.error).toMatchObject({ code: 'GW_ERR_INVALID_REQUEST' });
    expect(openai.body.error.message).toMatch(/deeper than 128 levels/);
    const anthropic = await send('/v1/messages', `{"model":"claude-test","max_tokens":5,"messages":[],"x":${nested}}`);
    expect(anthropic.status).toBe(400);
    expect(anthropic.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('/admin/policies/evaluate on a bundle that errors at run time → 422 with the error', async () => {
    const res = await request(`${gw.url}/admin/policies/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { n: 0 }, candidate: { modules: [{ file: 'p.rego', source: 'package airlock\nimport rego.v1\ndecision := {"allow": 1 / input.n}\n' }] } }),
    });
    expect(res.statusCode).toBe(422);
    expect(((await res.body.json()) as { error: { message: string } }).error.message).toMatch(/p\.rego:3: eval_builtin_error: div: divide by zero/);
  });
});
