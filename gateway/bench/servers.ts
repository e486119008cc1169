/**
 * The servers under test, in their own process so that the load generator does not share their event loop:
 * a mock OpenAI upstream, the gateway in front of it, and a bare Fastify proxy in front of it. Prints their
 * addresses (and its pid, for CPU accounting) as one JSON line, then serves until killed.
 *
 * BENCH_PROFILE=defaults runs the gateway as shipped: the default policy bundle (plus a `bench` team without limits),
 * fast redaction, and the embedded store with its write-ahead file. Without it the gateway runs as the test helper
 * starts it: no policy, no store (the old headline). BENCH_UPSTREAM=URL puts only the gateway in this process, in
 * front of another process's upstream, so that each gateway's CPU can be read apart.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import replyFrom from '@fastify/reply-from';
import Fastify from 'fastify';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BUNDLE_DIR } from '@airlock/policies';
import { startGateway } from '../test/helpers/start-gateway.js';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-upstream',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 },
});

/** The answer to a prompt asking for a tool ("call lookup_order"): the policy bench's response-phase case. */
const TOOL_COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-upstream',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_bench', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"42"}' } }] },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});

async function startUpstream(): Promise<string> {
  const upstream = createServer((req, res) => {
    let asked = '';
    req.on('data', (c: Buffer) => (asked += c.toString('latin1')));
    req.on('end', () => {
      const answer = asked.includes('call lookup_order') ? TOOL_COMPLETION : COMPLETION;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  upstream.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
}

async function startBareProxy(base: string): Promise<string> {
  const bare = Fastify({ logger: false });
  await bare.register(replyFrom, { base, undici: { connections: 64, pipelining: 1 } });
  bare.post('/v1/chat/completions', (_request, reply) => reply.from('/v1/chat/completions'));
  return bare.listen({ host: '127.0.0.1', port: 0 });
}

const upstreamUrl = process.env.BENCH_UPSTREAM ?? (await startUpstream());
const bareUrl = process.env.BENCH_UPSTREAM ? undefined : await startBareProxy(upstreamUrl);
const shipped = process.env.BENCH_PROFILE === 'defaults';

const deployments = Number(process.env.BENCH_DEPLOYMENTS ?? 1);
/** The default bundle plus a `bench` team without limits, so that the load itself is not refused. */
async function benchBundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-bench-bundle-'));
  await cp(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
  const data = JSON.parse(await readFile(join(dir, 'data.json'), 'utf8')) as { governance: { teams: Record<string, unknown> } };
  data.governance.teams.bench = { models: ['*'], daily_budget_usd: 1e9, requests_per_minute: 1e9 };
  await writeFile(join(dir, 'data.json'), JSON.stringify(data));
  return dir;
}

const gw = await startGateway({
  ...(process.env.BENCH_REDACTION === 'off' ? { redaction: { enabled: false } } : {}),
  ...(shipped ? { policy: { bundle: await benchBundle() } } : process.env.BENCH_POLICY === 'on' ? { policy: { bundle: await benchBundle(), watch: false } } : {}),
  // The store's default (embedded chdb, write-ahead file beside it), in the gateway's temporary directory.
  ...(shipped ? { store: { kind: 'embedded' } } : process.env.BENCH_STORE === 'embedded' ? { store: { kind: 'embedded', path: 'data/clickhouse' } } : {}),
  providers: { mock: { kind: 'openai', base_url: `${upstreamUrl}/v1` } },
  models: {
    'bench-model': {
      strategy: deployments > 1 ? 'weighted' : 'fallback',
      deployments: Array.from({ length: deployments }, (_, i) => ({ id: `mock-${i}`, provider: 'mock', model: 'bench-upstream' })),
    },
  },
}, { team: 'bench' });

process.stdout.write(JSON.stringify({ upstream: upstreamUrl, gateway: gw.url, bare: bareUrl, key: gw.userKey, admin: gw.adminKey, pid: String(process.pid) }) + '\n');
// Closed, so that the embedded store lets go of its data directory before the temporary directory goes.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void gw.close().finally(() => process.exit(0)));
