/**
 * The gateway as shipped in two checkouts, interleaved in one run, so that this machine's swings fall on both alike:
 * `npx tsx gateway/bench/compare-trees.ts BASE_GATEWAY_DIR [NEW_GATEWAY_DIR]` (the second defaults to this one), e.g.
 * with the previous commit checked out in a worktree (with its own `npm ci`). Both run the shipped defaults
 * (bench/servers.ts, BENCH_PROFILE=defaults; BENCH_PROFILE=minimal for policy and store off) in front of one
 * upstream, with prompts of BENCH_SIZES bytes (a base older than these benchmarks needs this bench/ copied in). Besides latency it reports each gateway process's CPU time per call
 * (from /proc), which a busy machine disturbs less than wall time.
 */
import { fileURLToPath } from 'node:url';
import { chatBodies } from './prompts.js';
import { interleaved, startBenchServers, type Contender } from './proxy-overhead.bench.js';

const TREES = { base: process.argv[2]!, new: process.argv[3] ?? fileURLToPath(new URL('..', import.meta.url)) };
if (!TREES.base) throw new Error('usage: compare-trees.ts BASE_GATEWAY_DIR [NEW_GATEWAY_DIR]');
const SIZES = (process.env.BENCH_SIZES ?? '100,2048,16384').split(',').map(Number);
const profile: Record<string, string> = process.env.BENCH_PROFILE === 'minimal' ? {} : { BENCH_PROFILE: 'defaults' };

const upstream = await startBenchServers({ BENCH_REDACTION: 'off' });
const servers = {
  base: await startBenchServers({ ...profile, BENCH_UPSTREAM: upstream.urls.upstream! }, TREES.base),
  new: await startBenchServers({ ...profile, BENCH_UPSTREAM: upstream.urls.upstream! }, TREES.new),
};
const contenders: Contender[] = Object.entries(servers).map(([name, s]) => ({
  name,
  pid: s.urls.pid!,
  target: (body) => ({ origin: s.urls.gateway!, path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.urls.key}` }, body }),
}));
for (const bytes of SIZES) {
  const bodies = chatBodies('bench-model', bytes, 64);
  for (const c of [1, 16] as const) {
    const m = await interleaved(contenders, bodies, c);
    console.log(`\n${bytes} B prompt, concurrency ${c}`);
    for (const name of ['base', 'new']) {
      const r = m[name]!;
      console.log(`${name.padEnd(5)} mean ${r.meanMs.toFixed(3)} ms  p99 ${r.p99Ms.toFixed(3)} ms  ${r.rps.toFixed(0)} req/s  CPU ${r.cpuUs.toFixed(1)} µs/call  errors ${r.errors}`);
    }
    console.log(`new/base: req/s ${((m.new!.rps / m.base!.rps) * 100).toFixed(1)} %, mean ${((m.new!.meanMs / m.base!.meanMs) * 100).toFixed(1)} %, CPU per call ${((m.new!.cpuUs / m.base!.cpuUs) * 100).toFixed(1)} %`);
  }
}
await Promise.all([servers.base, servers.new, upstream].map((s) => s.stop()));
