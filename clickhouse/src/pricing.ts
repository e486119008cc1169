/**
 * Cost in integer micro-dollars from the price table in clickhouse/prices.json. Prices are USD per million tokens,
 * so a token costs exactly `price` micro-dollars: no floating-point money.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PriceSchema = z.object({ input: z.number().min(0), output: z.number().min(0), cached_input: z.number().min(0) }).strict();
const TableSchema = z.object({ _comment: z.string().optional(), models: z.record(z.string(), PriceSchema) }).strict();
export type Price = z.infer<typeof PriceSchema>;

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
}

export class PriceTable {
  readonly #prices: [string, Price][];
  constructor(prices: Record<string, Price>) {
    this.#prices = Object.entries(prices).sort((a, b) => b[0].length - a[0].length);
  }

  static load(path = new URL('../prices.json', import.meta.url)): PriceTable {
    return new PriceTable(TableSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).models);
  }

  priceOf(model: string): Price | undefined {
    return this.#prices.find(([prefix]) => model === prefix || model.startsWith(prefix))?.[1];
  }

  /** Cached input tokens are part of the input count and billed at the cached rate. */
  costMicros(model: string, usage: TokenUsage): number {
    const p = this.priceOf(model);
    if (!p) return 0;
    const fresh = Math.max(0, usage.inputTokens - usage.cachedInputTokens);
    return Math.round(fresh * p.input + usage.cachedInputTokens * p.cached_input + usage.outputTokens * p.output);
  }
}
