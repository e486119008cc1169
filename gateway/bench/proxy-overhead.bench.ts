/**
 * Gateway overhead: a mock OpenAI upstream, then the same chat request sent directly, through the gateway, and
 * through a bare Fastify proxy (@fastify/reply-from), at concurrency 1 and 16. Each target is warmed up first, so
 * that the JIT has settled (the gateway runs more code than the bare proxy, and needs more calls to get there). Many
 * short rounds are interleaved so that this machine's swings in speed fall on all three alike; figures are pooled
 * over the rounds.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pooledRounds, summarize, type LoadTarget } from './load.js';

const ROUNDS = { 1: Number(process.env.BENCH_ROUNDS_C1 ?? 20), 16: Number(process.env.BENCH_ROUNDS_C16 ?? 8) } as const;
const REQUESTS = { 1: Number(process.env.BENCH_REQUESTS_C1 ?? 500), 16: Number(process.env.BENCH_REQUESTS_C16 ?? 2000) } as const;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);

/** The Node flags `airlock` runs with, from its bin's first line, so that the servers run as the product does. */
function gatewayNodeFlags(): string[] {
  const shebang = readFileSync(new URL('../bin/airlock.mjs', import.meta.url), 'utf8').split('\n', 1)[0]!;
  return shebang.split(/\s+/).filter((t) => t.startsWith('--'));
}

/** Starts bench/servers.ts in a child process and reads the addresses it prints. */
export async function startBenchServers(env: Record<string, string> = {}): Promise<{ urls: Record<string, string>; stop: () => void }> {
  const child = spawn(process.execPath, [...gatewayNodeFlags(), '--import', 'tsx', fileURLToPath(new URL('./servers.ts', import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
  });
  return { urls: JSON.parse(line) as Record<string, string>, stop: () => child.kill() };
}

export async function benchProxyOverhead(): Promise<void> {
  const servers = await startBenchServers();
  const { urls } = servers;
  const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say ok.' }] });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${urls.key}` };
  const targets: Record<string, LoadTarget> = {
    direct: { origin: urls.upstream!, path: '/v1/chat/completions', headers, body },
    gateway: { origin: urls.gateway!, path: '/v1/chat/completions', headers, body },
    'bare fastify proxy': { origin: urls.bare!, path: '/v1/chat/completions', headers, body },
  };

  for (const concurrency of [1, 16] as const) {
    const pooled = await pooledRounds(targets, { concurrency, requests: REQUESTS[concurrency], rounds: ROUNDS[concurrency], warmup: WARMUP });
    const direct = summarize(pooled.direct!.lat);
    const bareRps = (pooled['bare fastify proxy']!.n / pooled['bare fastify proxy']!.ms) * 1000;
    console.log(`\nproxy overhead, concurrency ${concurrency} (${ROUNDS[concurrency]} interleaved rounds × ${REQUESTS[concurrency]} requests)`);
    console.log('target               mean ms   p99 ms   added mean   added p99   req/s    vs bare proxy   errors');
    for (const [name, p] of Object.entries(pooled)) {
      const s = summarize(p.lat);
      const rps = (p.n / p.ms) * 1000;
      console.log(
        `${name.padEnd(20)} ${s.mean.toFixed(3).padStart(7)} ${s.p99.toFixed(3).padStart(8)} ${(s.mean - direct.mean).toFixed(3).padStart(12)} ${(s.p99 - direct.p99).toFixed(3).padStart(11)} ${rps.toFixed(0).padStart(7)} ${((rps / bareRps) * 100).toFixed(1).padStart(14)}% ${String(p.errors).padStart(8)}`,
      );
    }
  }
  servers.stop();
}
