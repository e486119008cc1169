/**
 * Policy cost: the gateway with the default governance bundle deciding every call vs no policy, interleaved; and the
 * response phase's cost on top: a request offering tools answered in text, and one answered with a tool call.
 */
import { runLoad, summarize, type LoadTarget } from './load.js';
import { startBenchServers } from './proxy-overhead.bench.js';

export async function benchPolicy(): Promise<void> {
  const on = await startBenchServers({ BENCH_POLICY: 'on' });
  const off = await startBenchServers({ BENCH_POLICY: 'off' });
  const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say ok.' }] });
  // The response phase: tools offered and a text answer (the gate looks, finds no tool call), and a tool-call answer
  // (one more decision, the answer parsed).
  const tools = [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: {} } } }];
  const withTools = JSON.stringify({ model: 'bench-model', tools, messages: [{ role: 'user', content: 'Say ok.' }] });
  const toolCall = JSON.stringify({ model: 'bench-model', tools, messages: [{ role: 'user', content: 'call lookup_order 42' }] });
  const target = (urls: Record<string, string>, payload = body): LoadTarget => ({
    origin: urls.gateway!,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${urls.key}` },
    body: payload,
  });
  const targets = {
    'no policy': target(off.urls),
    'default bundle': target(on.urls),
    'tools, text': target(on.urls, withTools),
    'tools, tool call': target(on.urls, toolCall),
  };
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
