/**
 * Redaction cost: detection latency per 2 KB prompt for both tiers (prompts assembled from the shared development
 * texts), and the gateway with redaction on vs off, interleaved in one run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { detect } from '../src/redaction/index.js';
import { BOUNDED, GROWING } from '../test/fixtures/pathological-pii.js';
import { runLoad, summarize, type LoadTarget } from './load.js';
import { startBenchServers } from './proxy-overhead.bench.js';

const DEV = fileURLToPath(new URL('../../../shared/pii/dev.jsonl', import.meta.url));
const PROMPT_BYTES = 2048;

function prompts(): string[] {
  const texts = existsSync(DEV)
    ? readFileSync(DEV, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text)
    : ['Please email jane.doe@example.org or call +1 415 555 0100 about card 4111 1111 1111 1111.'];
  const out: string[] = [];
  let current = '';
  for (let i = 0; out.length < 200; i++) {
    current += texts[i % texts.length] + '\n';
    if (current.length >= PROMPT_BYTES) {
      out.push(current.slice(0, PROMPT_BYTES));
      current = '';
    }
  }
  return out;
}

export async function benchRedaction(): Promise<void> {
  const ps = prompts();
  console.log(`\ndetection per ${PROMPT_BYTES}-byte prompt (${ps.length} prompts × 10 passes)`);
  for (const tier of ['fast', 'full'] as const) {
    for (const p of ps) detect(p, { tier });
    const times: number[] = [];
    for (let pass = 0; pass < 10; pass++) {
      for (const p of ps) {
        const t0 = performance.now();
        detect(p, { tier });
        times.push(performance.now() - t0);
      }
    }
    const s = summarize(times);
    console.log(`  ${tier.padEnd(5)} p50 ${s.p50.toFixed(3)} ms   p99 ${s.p99.toFixed(3)} ms   mean ${s.mean.toFixed(3)} ms  (targets p50: fast ≤ 0.1, full ≤ 1)`);
  }
  // The inputs that once made the tail (a backtracking pattern rescanning or re-splitting): each 2 KB, full tier.
  const worst = Object.entries({ ...GROWING, ...BOUNDED }).map(([name, make]) => {
    const text = make(PROMPT_BYTES);
    detect(text, { tier: 'full' });
    const times: number[] = [];
    // Two texts in turn, so no per-text cache answers the call.
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      detect(i % 2 ? ' ' + text : text, { tier: 'full' });
      times.push(performance.now() - t0);
    }
    return [name, summarize(times).p50] as const;
  });
  const [name, ms] = worst.reduce((a, b) => (b[1] > a[1] ? b : a));
  console.log(`  full  pathological 2 KB inputs (${worst.length}): slowest p50 ${ms.toFixed(3)} ms (${name})`);

  const on = await startBenchServers({ BENCH_REDACTION: 'on' });
  const off = await startBenchServers({ BENCH_REDACTION: 'off' });
  const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: ps[0] }] });
  const target = (urls: Record<string, string>): LoadTarget => ({
    origin: urls.gateway!,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${urls.key}` },
    body,
  });
  const targets = { 'redaction off': target(off.urls), 'redaction on (fast)': target(on.urls) };
  for (const concurrency of [1, 16] as const) {
    const pooled: Record<string, { lat: number[]; ms: number; n: number }> = {};
    for (let round = 0; round < 5; round++) {
      for (const [name, t] of Object.entries(targets)) {
        const r = await runLoad(t, { concurrency, requests: concurrency === 1 ? 300 : 2000 });
        const p = (pooled[name] ??= { lat: [], ms: 0, n: 0 });
        p.lat.push(...r.latenciesMs);
        p.ms += r.elapsedMs;
        p.n += r.latenciesMs.length;
      }
    }
    console.log(`\ngateway with a ${PROMPT_BYTES}-byte prompt, concurrency ${concurrency} (5 interleaved rounds)`);
    const base = summarize(pooled['redaction off']!.lat).mean;
    for (const [name, p] of Object.entries(pooled)) {
      const s = summarize(p.lat);
      console.log(`  ${name.padEnd(22)} mean ${s.mean.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms  added ${(s.mean - base).toFixed(3)} ms  ${((p.n / p.ms) * 1000).toFixed(0)} req/s`);
    }
  }
  on.stop();
  off.stop();
}
