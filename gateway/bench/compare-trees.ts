/**
 * The gateway's overhead in two checkouts, interleaved in one run, so that this machine's swings fall on both alike:
 * `npx tsx gateway/bench/compare-trees.ts BASE_GATEWAY_DIR [NEW_GATEWAY_DIR]` (the second defaults to this one), e.g.
 * with the previous commit checked out in a worktree. Besides latency it reports each server process's CPU time per
 * request (from /proc), which a busy machine disturbs less than wall time.
 */
import { spawn } from 'node:child_process';
const cpuMs = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
import { readFileSync } from 'node:fs';
import { runLoad, summarize, type LoadTarget } from './load.js';

const TREES = { base: process.argv[2]!, new: process.argv[3] ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '') };
if (!TREES.base) throw new Error('usage: compare-trees.ts BASE_GATEWAY_DIR [NEW_GATEWAY_DIR]');
const ROUNDS = { 1: Number(process.env.R1 ?? 20), 16: Number(process.env.R16 ?? 8) } as const;
const REQUESTS = { 1: 500, 16: 2000 } as const;

async function start(dir: string) {
  const flags = readFileSync(`${dir}/bin/airlock.mjs`, 'utf8').split('\n', 1)[0]!.split(/\s+/).filter((t) => t.startsWith('--'));
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', `${dir}/bench/servers.ts`], { cwd: dir, env: { ...process.env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => { buf += c; if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n'))); });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  return { urls: JSON.parse(line) as Record<string, string>, child };
}

const servers = { base: await start(TREES.base), new: await start(TREES.new) };
const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say ok.' }] });
const targets: Record<string, LoadTarget> = {};
for (const [name, s] of Object.entries(servers)) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${s.urls.key}` };
  targets[`${name} direct`] = { origin: s.urls.upstream!, path: '/v1/chat/completions', headers, body };
  targets[`${name} gateway`] = { origin: s.urls.gateway!, path: '/v1/chat/completions', headers, body };
}
for (const c of [1, 16] as const) {
  for (const t of Object.values(targets)) await runLoad(t, { concurrency: c, requests: 3000 });
  const pooled: Record<string, { lat: number[]; ms: number; n: number; errors: number }> = {};
  const cpu: Record<string, { ms: number; n: number }> = {};
  for (let r = 0; r < ROUNDS[c]; r++) {
    const order = r % 2 ? Object.entries(targets).reverse() : Object.entries(targets);
    for (const [name, t] of order) {
      const pid = servers[name.split(' ')[0] as 'base' | 'new'].child.pid!;
      const c0 = cpuMs(pid);
      const res = await runLoad(t, { concurrency: c, requests: REQUESTS[c] });
      (cpu[name] ??= { ms: 0, n: 0 }).ms += cpuMs(pid) - c0;
      cpu[name]!.n += res.latenciesMs.length;
      const p = (pooled[name] ??= { lat: [], ms: 0, n: 0, errors: 0 });
      p.lat.push(...res.latenciesMs); p.ms += res.elapsedMs; p.n += res.latenciesMs.length; p.errors += res.errors;
    }
  }
  console.log(`\nconcurrency ${c}`);
  const over: Record<string, number> = {};
  for (const name of ['base', 'new']) {
    const d = summarize(pooled[`${name} direct`]!.lat), g = summarize(pooled[`${name} gateway`]!.lat);
    const rps = (pooled[`${name} gateway`]!.n / pooled[`${name} gateway`]!.ms) * 1000;
    over[name] = g.mean - d.mean;
    console.log(`${name.padEnd(5)} gateway mean ${g.mean.toFixed(3)} ms p99 ${g.p99.toFixed(3)}  direct ${d.mean.toFixed(3)}  added mean ${(g.mean - d.mean).toFixed(3)} ms  added p99 ${(g.p99 - d.p99).toFixed(3)}  ${rps.toFixed(0)} req/s errors ${pooled[`${name} gateway`]!.errors}`);
  }
  console.log(`new/base added mean: ${((over.new! / over.base!) * 100).toFixed(1)} %`);
  const per = (k: string) => (cpu[k]!.ms / cpu[k]!.n) * 1000;
  const added = { base: per('base gateway') - per('base direct'), new: per('new gateway') - per('new direct') };
  console.log(`server CPU µs/request: base gateway ${per('base gateway').toFixed(1)} direct ${per('base direct').toFixed(1)} added ${added.base.toFixed(1)} | new gateway ${per('new gateway').toFixed(1)} direct ${per('new direct').toFixed(1)} added ${added.new.toFixed(1)} | new/base added CPU ${((added.new / added.base) * 100).toFixed(1)} %`);
}
for (const s of Object.values(servers)) s.child.kill();
