/**
 * The order in which a call tries a model's deployments.
 * - `fallback`: as listed in the config.
 * - `weighted`: a weighted random order (weight 3 is tried first three times as often as weight 1).
 * - `least_latency`: by the EWMA of each deployment's recent latency; deployments with no figure yet go first, so
 *   every deployment gets measured.
 */
export const STRATEGIES = ['fallback', 'weighted', 'least_latency'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface Weighted {
  readonly weight: number;
}

export function weightedOrder<T extends Weighted>(items: readonly T[], random: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (pool.length) {
    const total = pool.reduce((sum, d) => sum + d.weight, 0);
    let r = random() * total;
    let i = 0;
    for (; i < pool.length - 1; i++) {
      r -= pool[i]!.weight;
      if (r < 0) break;
    }
    out.push(pool.splice(i, 1)[0]!);
  }
  return out;
}

export function latencyOrder<T>(items: readonly T[], latencyOf: (item: T) => number | undefined): T[] {
  return items
    .map((item, index) => ({ item, index, latency: latencyOf(item) ?? -1 }))
    .sort((a, b) => a.latency - b.latency || a.index - b.index)
    .map((x) => x.item);
}

export function orderDeployments<T extends Weighted>(
  strategy: Strategy,
  items: readonly T[],
  options: { random: () => number; latencyOf: (item: T) => number | undefined },
): readonly T[] {
  if (items.length < 2) return items;
  switch (strategy) {
    case 'fallback':
      return items;
    case 'weighted':
      return weightedOrder(items, options.random);
    case 'least_latency':
      return latencyOrder(items, options.latencyOf);
  }
}

/** Exponentially weighted moving average; `alpha` is the weight of the newest sample. */
export class Ewma {
  #value: number | undefined;
  constructor(private readonly alpha = 0.3) {}
  get value(): number | undefined {
    return this.#value;
  }
  add(sample: number): void {
    this.#value = this.#value === undefined ? sample : this.alpha * sample + (1 - this.alpha) * this.#value;
  }
}
