/**
 * The headline: a mock OpenAI upstream, and the same chat requests sent directly, through a bare Fastify proxy
 * (@fastify/reply-from), through the gateway as shipped (default policy bundle, fast redaction, embedded store with
 * its write-ahead file) and through the gateway with policy and store off (the old headline), at concurrency 1 and
 * 16, with prompts of 100 B, 2 KB and 16 KB. Each target is warmed up first, so that the JIT has settled; then many
 * short rounds are interleaved (in alternating order) so that this machine's swings in speed fall on every target
 * alike, and figures are pooled over the rounds. Each gateway runs in its own process, so its CPU per call is read
 * from /proc; the shipped gateway's stage histograms (airlock_stage_seconds) give each stage's share of it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runLoad, summarize, type LoadTarget } from './load.js';
import { chatBodies } from './prompts.js';

const ROUNDS = { 1: Number(process.env.BENCH_ROUNDS_C1 ?? 10), 16: Number(process.env.BENCH_ROUNDS_C16 ?? 5) } as const;
const REQUESTS = { 1: Number(process.env.BENCH_REQUESTS_C1 ?? 400), 16: Number(process.env.BENCH_REQUESTS_C16 ?? 1600) } as const;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
const SIZES = (process.env.BENCH_SIZES ?? '100,2048,16384').split(',').map(Number);
/** Bodies per size sent in turn: every request of a round carries a different prompt. */
const VARIANTS = 64;

/** The issue's targets, against the bare proxy in the same run: share of its req/s at c16, ms added over it at c1. */
const TARGETS: Record<number, { share: number; addedMs: number }> = { 100: { share: 0.7, addedMs: 0.15 }, 2048: { share: 0.6, addedMs: 0.25 } };

/** The Node flags `airlock` runs with, from its bin's first line, so that the servers run as the product does. */
export function gatewayNodeFlags(gatewayDir = fileURLToPath(new URL('..', import.meta.url))): string[] {
  const shebang = readFileSync(`${gatewayDir}/bin/airlock.mjs`, 'utf8').split('\n', 1)[0]!;
  return shebang.split(/\s+/).filter((t) => t.startsWith('--'));
}

export interface BenchServers {
  /** upstream, gateway, bare (absent with BENCH_UPSTREAM), key, admin, pid. */
  readonly urls: Record<string, string>;
  /** Resolves once the process has exited (its CPU profile, if any, written). */
  stop(): Promise<void>;
}

/** Starts bench/servers.ts (of this checkout, or of another gateway directory) in a child process and reads the addresses it prints. */
export async function startBenchServers(
  env: Record<string, string> = {},
  gatewayDir = fileURLToPath(new URL('..', import.meta.url)),
  extraFlags: readonly string[] = [],
): Promise<BenchServers> {
  const child = spawn(process.execPath, [...gatewayNodeFlags(gatewayDir), ...extraFlags, '--import', 'tsx', `${gatewayDir}/bench/servers.ts`], {
    cwd: gatewayDir,
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    urls: JSON.parse(line) as Record<string, string>,
    stop: () => {
      child.kill();
      return exited;
    },
  };
}

/** A process's CPU time so far (user + system), in ms; clock ticks are 10 ms on Linux. */
export function cpuMs(pid: string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Σ seconds of `airlock_stage_seconds` by stage, from a gateway's /metrics. */
export async function stageSeconds(urls: Record<string, string>): Promise<Map<string, number>> {
  const res = await fetch(`${urls.gateway}/metrics`, { headers: { authorization: `Bearer ${urls.admin}` } });
  const out = new Map<string, number>();
  for (const m of (await res.text()).matchAll(/^airlock_stage_seconds_sum\{stage="([^"]+)"\} (\S+)$/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

interface Pooled {
  lat: number[];
  ms: number;
  n: number;
  errors: number;
  cpuMs: number;
}

export interface Measured {
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rps: number;
  readonly errors: number;
  /** Server CPU per call: the process's, less the upstream's share where they share one. */
  readonly cpuUs: number;
}

export interface Contender {
  readonly name: string;
  readonly target: (bodies: readonly string[]) => LoadTarget;
  /** The process whose CPU a call through this target costs. */
  readonly pid: string;
}

/** Runs every contender in interleaved rounds (alternating order) after a warm-up of each. */
export async function interleaved(contenders: readonly Contender[], bodies: readonly string[], concurrency: 1 | 16): Promise<Record<string, Measured>> {
  for (const c of contenders) await runLoad(c.target(bodies), { concurrency, requests: WARMUP });
  const pooled: Record<string, Pooled> = {};
  for (let round = 0; round < ROUNDS[concurrency]; round++) {
    const order = round % 2 ? [...contenders].reverse() : contenders;
    for (const c of order) {
      const c0 = cpuMs(c.pid);
      const r = await runLoad(c.target(bodies), { concurrency, requests: REQUESTS[concurrency] });
      const p = (pooled[c.name] ??= { lat: [], ms: 0, n: 0, errors: 0, cpuMs: 0 });
      p.cpuMs += cpuMs(c.pid) - c0;
      p.lat.push(...r.latenciesMs);
      p.ms += r.elapsedMs;
      p.n += r.latenciesMs.length;
      p.errors += r.errors;
    }
  }
  const out: Record<string, Measured> = {};
  for (const [name, p] of Object.entries(pooled)) {
    const s = summarize(p.lat);
    out[name] = { meanMs: s.mean, p50Ms: s.p50, p99Ms: s.p99, rps: (p.n / p.ms) * 1000, errors: p.errors, cpuUs: (p.cpuMs / p.n) * 1000 };
  }
  return out;
}

const DIRECT = 'direct';
const BARE = 'bare fastify proxy';
const SHIPPED = 'gateway, shipped defaults';
const MINIMAL = 'gateway, policy+store off';

const fmt = (n: number, digits = 3, width = 8): string => n.toFixed(digits).padStart(width);

export async function benchProxyOverhead(): Promise<void> {
  // The upstream and the bare proxy in one process; each gateway in its own, in front of that upstream.
  const base = await startBenchServers();
  const shipped = await startBenchServers({ BENCH_PROFILE: 'defaults', BENCH_UPSTREAM: base.urls.upstream! });
  const minimal = await startBenchServers({ BENCH_UPSTREAM: base.urls.upstream! });
  const to = (origin: string, key: string) => (bodies: readonly string[]): LoadTarget => ({
    origin,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: bodies,
  });
  const contenders: Contender[] = [
    { name: DIRECT, target: to(base.urls.upstream!, ''), pid: base.urls.pid! },
    { name: BARE, target: to(base.urls.bare!, ''), pid: base.urls.pid! },
    { name: SHIPPED, target: to(shipped.urls.gateway!, shipped.urls.key!), pid: shipped.urls.pid! },
    { name: MINIMAL, target: to(minimal.urls.gateway!, minimal.urls.key!), pid: minimal.urls.pid! },
  ];
  console.log(`rows: ${DIRECT} = the mock upstream alone; ${BARE} = @fastify/reply-from in front of it;`);
  console.log(`  ${SHIPPED} = default policy bundle, fast redaction, embedded store + write-ahead file;`);
  console.log(`  ${MINIMAL} = the old headline: fast redaction, no policy, no store.`);
  console.log('  CPU µs/call: the server process\'s CPU per call (the bare proxy\'s less the upstream\'s, which shares its process).');

  const summary: string[] = [];
  const cpuAt: Record<number, number> = {};
  for (const bytes of SIZES) {
    const bodies = chatBodies('bench-model', bytes, VARIANTS);
    for (const concurrency of [1, 16] as const) {
      const before = concurrency === 1 ? await stageSeconds(shipped.urls) : undefined;
      const m = await interleaved(contenders, bodies, concurrency);
      const calls = ROUNDS[concurrency] * REQUESTS[concurrency];
      const after = concurrency === 1 ? await stageSeconds(shipped.urls) : undefined;
      const upstreamCpu = m[DIRECT]!.cpuUs;
      const cpu = (name: string) => (name === BARE ? m[name]!.cpuUs - upstreamCpu : m[name]!.cpuUs);
      console.log(`\n${bytes} B prompt, concurrency ${concurrency} (${ROUNDS[concurrency]} interleaved rounds × ${REQUESTS[concurrency]} requests)`);
      console.log('target                       mean ms   p99 ms  added vs bare    req/s  vs bare  CPU µs/call  errors');
      for (const c of contenders) {
        const r = m[c.name]!;
        const added = c.name === DIRECT ? '' : (r.meanMs - m[BARE]!.meanMs).toFixed(3);
        console.log(`${c.name.padEnd(27)} ${fmt(r.meanMs)} ${fmt(r.p99Ms)} ${added.padStart(14)} ${fmt(r.rps, 0)} ${((r.rps / m[BARE]!.rps) * 100).toFixed(1).padStart(7)}% ${fmt(cpu(c.name), 1, 12)} ${String(r.errors).padStart(7)}`);
      }
      if (concurrency === 1) {
        cpuAt[bytes] = cpu(SHIPPED);
        // Stage times are wall clock (the CPU a stage used, on an idle machine; plus preemption on a busy one), so
        // they are given as shares of their sum; the route stage's runs until the upstream answers and is left out.
        const stages: [string, number][] = [];
        for (const [stage, s] of after!) {
          const us = ((s - (before!.get(stage) ?? 0)) / calls) * 1e6;
          if (us > 0 && stage !== 'route') stages.push([stage, us]);
        }
        const sum = stages.reduce((a, [, us]) => a + us, 0);
        console.log(`  shipped gateway: ${cpu(SHIPPED).toFixed(1)} µs CPU per call; stages before the upstream ${sum.toFixed(1)} µs per call: ${stages.map(([stage, us]) => `${stage} ${us.toFixed(1)} µs (${((us / sum) * 100).toFixed(0)} %)`).join(', ')}`);
      }
      const t = TARGETS[bytes];
      const share = m[SHIPPED]!.rps / m[BARE]!.rps;
      const added = m[SHIPPED]!.meanMs - m[BARE]!.meanMs;
      if (concurrency === 16) summary.push(`${String(bytes).padStart(6)} B  c16 shipped ${(share * 100).toFixed(1)} % of bare proxy req/s${t ? ` (target ≥ ${t.share * 100} %)` : ''}`);
      else summary.push(`${String(bytes).padStart(6)} B  c1  shipped +${added.toFixed(3)} ms over bare proxy${t ? ` (target ≤ +${t.addedMs})` : ''}`);
    }
  }
  console.log('\nshipped defaults against the bare proxy, same run:');
  for (const line of summary) console.log(`  ${line}`);
  const sizes = Object.keys(cpuAt).map(Number).sort((a, b) => a - b);
  for (let i = 1; i < sizes.length; i++) {
    const [a, b] = [sizes[i - 1]!, sizes[i]!];
    console.log(`  CPU per call ${a} B → ${b} B: ${(((cpuAt[b]! - cpuAt[a]!) / (b - a)) * 1024).toFixed(1)} µs per KB`);
  }
  await Promise.all([shipped, minimal, base].map((s) => s.stop()));
}
