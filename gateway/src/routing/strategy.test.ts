import { describe, expect, it } from 'vitest';
import { nextDelayMs, backoffMs, DEFAULT_RETRY } from './retry.js';
import { Ewma, latencyOrder, orderDeployments, weightedOrder } from './strategy.js';

function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('strategies', () => {
  it('weighted order picks first in proportion to weight', () => {
    const random = seeded(7);
    const items = [{ id: 'a', weight: 3 }, { id: 'b', weight: 1 }];
    let a = 0;
    for (let i = 0; i < 4000; i++) if (weightedOrder(items, random)[0]!.id === 'a') a++;
    expect(a / 4000).toBeGreaterThan(0.7);
    expect(a / 4000).toBeLessThan(0.8);
  });

  it('least latency tries unmeasured deployments first, then the fastest', () => {
    const lat: Record<string, number | undefined> = { a: 50, b: 10, c: undefined };
    expect(latencyOrder(['a', 'b', 'c'], (x) => lat[x]).join('')).toBe('cba');
  });

  it('fallback keeps the configured order', () => {
    const items = [{ weight: 1, id: 1 }, { weight: 9, id: 2 }];
    expect(orderDeployments('fallback', items, { random: Math.random, latencyOf: () => undefined })).toEqual(items);
  });

  it('EWMA weighs recent samples', () => {
    const e = new Ewma(0.5);
    e.add(100);
    e.add(0);
    expect(e.value).toBe(50);
  });
});

describe('retry timing', () => {
  it('backs off exponentially with full jitter under a cap', () => {
    expect(backoffMs(0, DEFAULT_RETRY, () => 0.999)).toBeLessThan(200);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0.999)).toBeLessThan(1600);
    expect(backoffMs(20, DEFAULT_RETRY, () => 0.999)).toBeLessThan(5000);
  });

  it('honours Retry-After on a deployment that failed before, and gives up when it does not fit the deadline', () => {
    const base = { policy: DEFAULT_RETRY, random: () => 0.5 };
    expect(nextDelayMs({ ...base, retry: 1, retryAfterMs: 2000, remainingMs: 10_000 })).toBe(2000);
    expect(nextDelayMs({ ...base, retry: 1, retryAfterMs: 20_000, remainingMs: 10_000 })).toBeUndefined();
    // A deployment that has not failed this call is tried at once.
    expect(nextDelayMs({ ...base, retry: 0, retryAfterMs: undefined, remainingMs: 10_000 })).toBe(0);
  });
});
