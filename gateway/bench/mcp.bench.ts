/**
 * MCP overhead: the time a tools/call takes through the gateway (/mcp/:server: key, policy, scan, pinning, the
 * record) against the same call sent straight to the same server, both with the official SDK's Client over
 * Streamable HTTP, in one run. Rounds alternate between the two so that this machine's swings fall on both alike.
 * The gateway records to no store here: the store's cost is the proxy-overhead bench's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildApp } from '../src/app.js';
import { resolveConfig } from '../src/config/load.js';
import { startHttpToolServer } from '../test/mcp/tool-server.js';

const ROUNDS = Number(process.env.BENCH_MCP_ROUNDS ?? 10);
const CALLS = Number(process.env.BENCH_MCP_CALLS ?? 200);
const WARMUP = Number(process.env.BENCH_MCP_WARMUP ?? 500);

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function client(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return c;
}

async function calls(c: Client, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await c.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
    into.push(performance.now() - t0);
  }
}

export async function benchMcp(): Promise<void> {
  const server = await startHttpToolServer('bench');
  const dir = await mkdtemp(join(tmpdir(), 'airlock-mcp-bench-'));
  const config = resolveConfig(
    { store: { kind: 'none' }, keys: { file: join(dir, 'keys.json') }, policy: { watch: false }, mcp: { servers: { bench: { url: server.url } } } },
    { source: 'bench', env: {}, baseDir: dir },
  );
  const app = await buildApp({ config });
  const { plainKey } = await app.airlock.keys.create({ tenant: 'default', team: 'platform', user: 'bench', roles: ['user'] });
  const gatewayUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const direct = await client(server.url);
  const gateway = await client(`${gatewayUrl}/mcp/bench`, { authorization: `Bearer ${plainKey}` });
  try {
    await calls(direct, WARMUP, []);
    await calls(gateway, WARMUP, []);
    const times = { direct: [] as number[], gateway: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      await calls(direct, CALLS, times.direct);
      await calls(gateway, CALLS, times.gateway);
    }
    const stats = Object.fromEntries(
      Object.entries(times).map(([k, v]) => {
        const s = [...v].sort((a, b) => a - b);
        return [k, { p50: pct(s, 50), p95: pct(s, 95), mean: v.reduce((a, b) => a + b, 0) / v.length }];
      }),
    ) as Record<keyof typeof times, { p50: number; p95: number; mean: number }>;
    console.log(`tools/call, sequential, ${ROUNDS} × ${CALLS} calls each, interleaved (ms)`);
    for (const [k, s] of Object.entries(stats)) console.log(`  ${k.padEnd(8)} p50 ${s.p50.toFixed(3)}  p95 ${s.p95.toFixed(3)}  mean ${s.mean.toFixed(3)}`);
    console.log(`  added by the gateway: p50 +${(stats.gateway.p50 - stats.direct.p50).toFixed(3)} ms, mean +${(stats.gateway.mean - stats.direct.mean).toFixed(3)} ms (${(stats.gateway.mean / stats.direct.mean).toFixed(2)}× direct)`);
  } finally {
    await Promise.all([direct.close(), gateway.close()]);
    await app.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
