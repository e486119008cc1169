/**
 * Detection speed of two checkouts, interleaved in one process: `npx tsx gateway/bench/compare-detect.ts
 * BASE_GATEWAY_DIR [NEW_GATEWAY_DIR]`. Both tiers, on 2 KB prompts of the shared development texts and of clean
 * prose (bench/prompts.ts); passes alternate which checkout goes first, and the first two are warm-up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prompts } from './prompts.js';

type Detect = (text: string, options: { tier: 'fast' | 'full' }) => unknown;
const dirs = { base: process.argv[2]!, new: process.argv[3] ?? fileURLToPath(new URL('..', import.meta.url)) };
if (!dirs.base) throw new Error('usage: compare-detect.ts BASE_GATEWAY_DIR [NEW_GATEWAY_DIR]');
const detectors: Record<'base' | 'new', Detect> = {
  base: ((await import(`${dirs.base}/src/redaction/index.ts`)) as { detect: Detect }).detect,
  new: ((await import(`${dirs.new}/src/redaction/index.ts`)) as { detect: Detect }).detect,
};

const DEV = fileURLToPath(new URL('../../../shared/pii/dev.jsonl', import.meta.url));
function devPrompts(): string[] {
  if (!existsSync(DEV)) return [];
  const texts = readFileSync(DEV, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
  const out: string[] = [];
  let current = '';
  for (let i = 0; out.length < 200; i++) {
    current += texts[i % texts.length] + '\n';
    if (current.length >= 2048) {
      out.push(current.slice(0, 2048));
      current = '';
    }
  }
  return out;
}

const at = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
for (const [label, set] of [['development texts', devPrompts()], ['clean prose', prompts(2048, 200)]] as const) {
  if (!set.length) continue;
  for (const tier of ['fast', 'full'] as const) {
    const times: Record<'base' | 'new', number[]> = { base: [], new: [] };
    for (let pass = 0; pass < 8; pass++) {
      for (const name of pass % 2 ? (['new', 'base'] as const) : (['base', 'new'] as const)) {
        for (const p of set) {
          const t0 = performance.now();
          detectors[name](p, { tier });
          if (pass >= 2) times[name].push(performance.now() - t0);
        }
      }
    }
    const [b, n] = [times.base.sort((x, y) => x - y), times.new.sort((x, y) => x - y)];
    console.log(`${label}, ${tier}: base p50 ${at(b, 0.5).toFixed(3)} p99 ${at(b, 0.99).toFixed(3)} ms | new p50 ${at(n, 0.5).toFixed(3)} p99 ${at(n, 0.99).toFixed(3)} ms | new/base p50 ${((at(n, 0.5) / at(b, 0.5)) * 100).toFixed(0)} %`);
  }
}
