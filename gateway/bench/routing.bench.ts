/**
 * Routing cost: the same gateway serving a model with one deployment, and with three (weighted), in two server
 * processes measured in interleaved rounds at concurrency 16. Target: three cost ≤ 10 % throughput against one.
 */
import { runLoad, summarize, type LoadTarget } from './load.js';
import { startBenchServers } from './proxy-overhead.bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS_C16 ?? 3000);

export async function benchRouting(): Promise<void> {
  const one = await startBenchServers({ BENCH_DEPLOYMENTS: '1' });
  const three = await startBenchServers({ BENCH_DEPLOYMENTS: '3' });
  const target = (urls: Record<string, string>): LoadTarget => ({
    origin: urls.gateway!,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${urls.key}` },
    body: JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say ok.' }] }),
  });
  const targets = { '1 deployment': target(one.urls), '3 deployments (weighted)': target(three.urls) };
  for (const t of Object.values(targets)) await runLoad(t, { concurrency: 16, requests: 300 });
  const pooled: Record<string, { lat: number[]; ms: number; n: number; errors: number }> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, t] of Object.entries(targets)) {
      const r = await runLoad(t, { concurrency: 16, requests: REQUESTS });
      const p = (pooled[name] ??= { lat: [], ms: 0, n: 0, errors: 0 });
      p.lat.push(...r.latenciesMs);
      p.ms += r.elapsedMs;
      p.n += r.latenciesMs.length;
      p.errors += r.errors;
    }
  }
  console.log(`\nrouting over deployments, concurrency 16 (${ROUNDS} interleaved rounds × ${REQUESTS} requests)`);
  console.log('target                      mean ms   p99 ms    req/s   vs 1 deployment   errors');
  const base = (pooled['1 deployment']!.n / pooled['1 deployment']!.ms) * 1000;
  for (const [name, p] of Object.entries(pooled)) {
    const s = summarize(p.lat);
    const rps = (p.n / p.ms) * 1000;
    console.log(`${name.padEnd(26)} ${s.mean.toFixed(3).padStart(8)} ${s.p99.toFixed(3).padStart(8)} ${rps.toFixed(0).padStart(8)} ${((rps / base) * 100).toFixed(1).padStart(16)}% ${String(p.errors).padStart(8)}`);
  }
  one.stop();
  three.stop();
}
