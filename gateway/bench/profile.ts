/**
 * Where a shipped gateway's CPU goes: `npx tsx bench/profile.ts [BYTES] [REQUESTS]` runs the gateway as shipped
 * (bench/servers.ts, BENCH_PROFILE=defaults) under `node --cpu-prof` in its own process, sends it chat calls with
 * BYTES-sized prompts at concurrency 16 after a warm-up, and prints the functions with the most self time. The
 * profile stays in the printed directory for a closer look (Chrome DevTools, speedscope).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runLoad } from './load.js';
import { chatBodies } from './prompts.js';
import { startBenchServers } from './proxy-overhead.bench.js';

const BYTES = Number(process.argv[2] ?? 2048);
const REQUESTS = Number(process.argv[3] ?? 20_000);
const TOP = Number(process.env.PROFILE_TOP ?? 25);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const dir = mkdtempSync(join(tmpdir(), 'airlock-profile-'));
const upstream = await startBenchServers({ BENCH_REDACTION: 'off' });
const gateway = await startBenchServers({ BENCH_PROFILE: 'defaults', BENCH_UPSTREAM: upstream.urls.upstream! }, undefined, ['--cpu-prof', '--cpu-prof-dir', dir]);
const target = {
  origin: gateway.urls.gateway!,
  path: '/v1/chat/completions',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.urls.key}` },
  body: chatBodies('bench-model', BYTES, 64),
};
await runLoad(target, { concurrency: 16, requests: 3000 });
const r = await runLoad(target, { concurrency: 16, requests: REQUESTS });
await gateway.stop();
await upstream.stop();

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written to ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]!)!;
  const f = node.callFrame;
  const where = f.url ? relative(process.cwd(), f.url.replace(/^file:\/\//, '')) : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
  const us = profile.timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
}
const idle = self.get('(idle)') ?? 0;
console.log(`${BYTES} B prompts, ${REQUESTS} calls at concurrency 16 (${r.errors} errors); profile: ${join(dir, file)}`);
console.log(`busy ${((total - idle) / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled; self time per call and share of busy time:`);
for (const [key, us] of [...self].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  console.log(`${(us / REQUESTS).toFixed(2).padStart(8)} µs ${((us / (total - idle)) * 100).toFixed(1).padStart(5)} %  ${key}`);
}
