/**
 * A small closed-loop load generator over undici: N workers each send requests back to back for a fixed count.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface LoadResult {
  readonly latenciesMs: number[];
  readonly elapsedMs: number;
  readonly errors: number;
}

export interface LoadTarget {
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** One body for every request, or several sent in turn. */
  readonly body: string | readonly string[];
}

export async function runLoad(target: LoadTarget, options: { concurrency: number; requests: number }): Promise<LoadResult> {
  const pool = new Pool(target.origin, { connections: options.concurrency, pipelining: 1 });
  const latenciesMs: number[] = [];
  let errors = 0;
  let remaining = options.requests;
  const bodies = typeof target.body === 'string' ? [target.body] : target.body;
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (remaining-- > 0) {
      const start = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: target.path, headers: target.headers, body: bodies[sent++ % bodies.length] });
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      latenciesMs.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - start;
  await pool.close();
  return { latenciesMs, elapsedMs, errors };
}

export function summarize(latencies: number[]): { mean: number; p50: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length), p50: at(0.5), p99: at(0.99) };
}

export interface Pooled {
  readonly lat: number[];
  ms: number;
  n: number;
  errors: number;
}

/** Each target warmed up, then `rounds` rounds that run every target in turn; figures pooled per target over the rounds. */
export async function pooledRounds(targets: Record<string, LoadTarget>, options: { concurrency: number; requests: number; rounds: number; warmup: number }): Promise<Record<string, Pooled>> {
  for (const t of Object.values(targets)) await runLoad(t, { concurrency: options.concurrency, requests: options.warmup });
  const pooled: Record<string, Pooled> = {};
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, t] of Object.entries(targets)) {
      const r = await runLoad(t, { concurrency: options.concurrency, requests: options.requests });
      const p = (pooled[name] ??= { lat: [], ms: 0, n: 0, errors: 0 });
      p.lat.push(...r.latenciesMs);
      p.ms += r.elapsedMs;
      p.n += r.latenciesMs.length;
      p.errors += r.errors;
    }
  }
  return pooled;
}
