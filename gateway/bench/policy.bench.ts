/**
 * Policy cost: the gateway with the default governance bundle deciding every call vs no policy, interleaved.
 */
import { runLoad, summarize, type LoadTarget } from './load.js';
import { startBenchServers } from './proxy-overhead.bench.js';

export async function benchPolicy(): Promise<void> {
  const on = await startBenchServers({ BENCH_POLICY: 'on' });
  const off = await startBenchServers({ BENCH_POLICY: 'off' });
  const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say ok.' }] });
  const target = (urls: Record<string, string>): LoadTarget => ({
    origin: urls.gateway!,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${urls.key}` },
    body,
  });
  const targets = { 'no policy': target(off.urls), 'default bundle': target(on.urls) };
  for (const concurrency of [1, 16] as const) {
    const pooled: Record<string, { lat: number[]; ms: number; n: number; errors: number }> = {};
    for (let round = 0; round < 5; round++) {
      for (const [name, t] of Object.entries(targets)) {
        const r = await runLoad(t, { concurrency, requests: concurrency === 1 ? 300 : 2000 });
        const p = (pooled[name] ??= { lat: [], ms: 0, n: 0, errors: 0 });
        p.lat.push(...r.latenciesMs);
        p.ms += r.elapsedMs;
        p.n += r.latenciesMs.length;
        p.errors += r.errors;
      }
    }
    console.log(`\npolicy stage, concurrency ${concurrency} (5 interleaved rounds)`);
    const base = summarize(pooled['no policy']!.lat).mean;
    for (const [name, p] of Object.entries(pooled)) {
      const s = summarize(p.lat);
      console.log(`  ${name.padEnd(16)} mean ${s.mean.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms  added ${(s.mean - base).toFixed(3)} ms  ${((p.n / p.ms) * 1000).toFixed(0)} req/s  errors ${p.errors}`);
    }
  }
  on.stop();
  off.stop();
}
