/**
 * PII outside the message text: every string field of every API's request schema (read from the zod schemas in
 * request-schemas.ts, so a field added there is seeded here without touching this file), a field no schema knows,
 * the workflow headers, an unknown model's name, and an API call's query string and body, each seeded with its own
 * email address. Neither the fake upstream nor the store (every table: calls, spans, bodies, error messages,
 * labels) may receive any of them; only the fields in the walker's STRUCTURAL list are left out, and are filled with
 * valid values instead. The scan counts what it found (pii_counts, the policy input's `call.pii`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiFormat } from '../src/contracts/api.js';
import { REQUEST_SCHEMAS } from '../src/pipeline/request-schemas.js';
import { STRUCTURAL } from '../src/redaction/index.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;
let system: Server;
const systemSeen: string[] = [];

const ROUTES: Record<ApiFormat, { path: string; model: string }> = {
  'openai.chat': { path: '/v1/chat/completions', model: 'gpt-test' },
  'openai.responses': { path: '/v1/responses', model: 'gpt-test' },
  'openai.embeddings': { path: '/v1/embeddings', model: 'gpt-test' },
  'anthropic.messages': { path: '/v1/messages', model: 'claude-test' },
};

/** Every seed handed out, by the field it went into. */
const seeds = new Map<string, string>();
function seed(where: string): string {
  const value = `seed${seeds.size}.${where.replace(/[^a-z]/gi, '').slice(-12).toLowerCase() || 'x'}@example.org`;
  seeds.set(value, where);
  return value;
}

/** Whether a field (a schema path such as `messages[].content[].text`) is in the API's STRUCTURAL list, or below one. */
function structural(api: ApiFormat, path: string): boolean {
  const listed = STRUCTURAL[api];
  return Object.keys(listed).some((p) => path === p || path.startsWith(p + '.') || path.startsWith(p + '['));
}

type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; options?: z.ZodType[]; innerType?: z.ZodType; valueType?: z.ZodType; entries?: Record<string, string> };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * A value for a schema: seeded strings (valid ones where the field is structural), every optional field present,
 * union branch `variant` (modulo the branch count) so that a few variants cover every branch. `fields` collects the
 * seeded paths.
 */
function fill(api: ApiFormat, schema: z.ZodType, path: string, variant: number, fields: Set<string>): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return fill(api, def.innerType!, path, variant, fields);
    case 'string': {
      if (!structural(api, path)) {
        fields.add(path);
        return seed(path);
      }
      const last = path.split(/[.[\]]+/).filter(Boolean).at(-1);
      return last === 'role' ? 'user' : last === 'type' ? 'text' : 'ok_1';
    }
    case 'enum':
      return Object.values(def.entries!)[0];
    case 'number':
    case 'int':
      return 16;
    case 'boolean':
      return false;
    case 'array':
      return [fill(api, def.element!, `${path}[]`, variant, fields)];
    case 'union': {
      const options = def.options!;
      return fill(api, options[variant % options.length]!, path, variant, fields);
    }
    case 'record': {
      const value = def.valueType!;
      return defOf(value).type === 'unknown' ? {} : { k1: fill(api, value, `${path}.k1`, variant, fields) };
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape!)) out[key] = fill(api, field, path ? `${path}.${key}` : key, variant, fields);
      return out;
    }
    default:
      return undefined;
  }
}

/** The most branches any union of the API's schema has: that many variants seed every branch. */
function variants(schema: z.ZodType): number {
  const def = defOf(schema);
  const inner = [def.innerType, def.element, def.valueType, ...(def.options ?? []), ...Object.values(def.shape ?? {})].filter((s): s is z.ZodType => s !== undefined);
  return Math.max(def.options?.length ?? 1, ...inner.map(variants));
}

const TEXT = (value: unknown): string => JSON.stringify(value);

async function storeDump(): Promise<string> {
  const store = gw.app.airlock.store!;
  await store.writer.flush();
  const tables = await store.db.query<{ name: string }>("SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT IN ('View', 'MaterializedView')");
  const rows = await Promise.all(tables.map(async ({ name }) => TEXT(await store.db.query(`SELECT * FROM \`${name}\``))));
  return rows.join('\n');
}

/** Seeds found in a text, as they are or percent-encoded (a query string). */
function leaked(text: string): string[] {
  return [...seeds].filter(([value]) => text.includes(value) || text.includes(encodeURIComponent(value))).map(([value, where]) => `${where} (${value})`);
}

const fieldsByApi = new Map<ApiFormat, Set<string>>();
const callIds: string[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  system = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      systemSeen.push(req.url + ' ' + body);
      // Echoes what it got, as a system that returns the record it stored would.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, received: body }));
    });
  });
  await new Promise<void>((r) => system.listen(0, '127.0.0.1', r));
  gw = await startGateway({
    ...fakeUpstreamConfig(upstream),
    store: { kind: 'embedded', path: 'clickhouse' },
    systems: {
      crm: { base_url: `http://127.0.0.1:${(system.address() as AddressInfo).port}`, methods: ['GET', 'POST'] },
      ledger: { base_url: `http://127.0.0.1:${(system.address() as AddressInfo).port}`, methods: ['POST'], redact: false },
    },
  });

  for (const api of Object.keys(ROUTES) as ApiFormat[]) {
    const schema = REQUEST_SCHEMAS[api];
    const fields = new Set<string>();
    fieldsByApi.set(api, fields);
    for (let v = 0; v < variants(schema); v++) {
      const body = fill(api, schema, '', v, fields) as Record<string, unknown>;
      body.model = ROUTES[api].model;
      // A field no schema knows is passed through, and so scanned.
      body.x_unlisted_field = seed(`${api} x_unlisted_field`);
      const res = await fetch(gw.url + ROUTES[api].path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${gw.userKey}`,
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          'x-airlock-workflow': seed(`${api} x-airlock-workflow`),
          'x-airlock-run': seed(`${api} x-airlock-run`),
          'x-airlock-step': seed(`${api} x-airlock-step`),
        },
        body: JSON.stringify(body),
      });
      await res.text();
      callIds.push(res.headers.get('x-airlock-call-id') ?? '');
    }
  }
}, 60_000);
afterAll(async () => {
  await gw.close();
  await upstream.close();
  await new Promise((r) => system.close(r));
});

describe('PII in every field of every API', () => {
  it('the schemas give each API its string fields, side fields among them', () => {
    const chat = fieldsByApi.get('openai.chat')!;
    for (const f of ['user', 'metadata.k1', 'messages[].name', 'messages[].content', 'messages[].content[].text', 'tools[].function.description', 'stop', 'stop[]']) expect(chat).toContain(f);
    expect(fieldsByApi.get('openai.responses')).toContain('instructions');
    expect(fieldsByApi.get('openai.embeddings')).toContain('input[]');
    expect(fieldsByApi.get('anthropic.messages')).toContain('metadata.user_id');
    expect(fieldsByApi.get('anthropic.messages')).toContain('system[].text');
  });

  it('the upstream receives none of them', () => {
    expect(upstream.requests.length).toBeGreaterThanOrEqual(callIds.length);
    expect(leaked(upstream.requests.map((r) => TEXT(r.body) + TEXT(r.headers)).join('\n'))).toEqual([]);
  });

  it('the store receives none of them', async () => {
    expect(leaked(await storeDump())).toEqual([]);
  });

  it('every call was recorded with what the scan counted in its fields', async () => {
    const store = gw.app.airlock.store!;
    await store.writer.flush();
    const rows = await store.db.query<{ call_id: string; pii: number }>(
      "SELECT call_id, pii_counts['EMAIL'] AS pii FROM calls WHERE call_id IN {ids:Array(String)}",
      { ids: callIds },
    );
    expect(rows).toHaveLength(callIds.length);
    // Three workflow headers and the unlisted field, besides the schema's own fields.
    for (const r of rows) expect(Number(r.pii)).toBeGreaterThan(4);
  });
});

describe('PII beside the body', () => {
  it('an unknown model named with PII: not in requested_model, the error message, span names or gen_ai.request.model', async () => {
    const model = seed('model');
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(404);
    // The caller is told about its own request as it sent it.
    expect(await res.text()).toContain(model);
    expect(leaked(await storeDump())).toEqual([]);
  });

  it('an API call: its query string and body are scanned, counted and redacted before the system gets them; the caller gets them back', async () => {
    const q = seed('api query');
    const b = seed('api body');
    const res = await fetch(`${gw.url}/api/crm/contacts?email=${encodeURIComponent(q)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json', 'x-airlock-step': seed('api x-airlock-step') },
      body: JSON.stringify({ note: b }),
    });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-airlock-call-id')!;
    const seen = systemSeen.at(-1)!;
    expect(leaked(decodeURIComponent(seen.replace(/\+/g, ' ')))).toEqual([]);
    expect(seen).toContain('EMAIL_');
    // The system's answer echoes the placeholder; the caller reads its own value.
    expect((await res.json()) as { received: string }).toEqual({ ok: true, received: JSON.stringify({ note: b }) });
    expect(leaked(await storeDump())).toEqual([]);
    const [row] = await gw.app.airlock.store!.db.query<{ pii: number }>("SELECT pii_counts['EMAIL'] AS pii FROM calls WHERE call_id = {id:String}", { id });
    expect(Number(row!.pii)).toBe(3);
  });

  it('an API call with a text body or a top-level JSON array: redacted too', async () => {
    const t = seed('api text body');
    const a = seed('api array body');
    for (const [type, body, sent] of [['text/plain', `call ${t} today`, t], ['application/json', JSON.stringify([{ to: [a] }]), a]] as const) {
      const res = await fetch(`${gw.url}/api/crm/notes`, { method: 'POST', headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': type }, body });
      expect(res.status).toBe(200);
      expect(systemSeen.at(-1)).not.toContain(sent);
      expect(((await res.json()) as { received: string }).received).toBe(body);
    }
    expect(leaked(await storeDump())).toEqual([]);
  });

  it('a system configured with redact: false gets the call as sent; the store still does not', async () => {
    const b = seed('api ledger body');
    const res = await fetch(`${gw.url}/api/ledger/entries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ note: b }),
    });
    expect(res.status).toBe(200);
    expect(systemSeen.at(-1)).toContain(b);
    expect(leaked(await storeDump())).toEqual([]);
  });

});
