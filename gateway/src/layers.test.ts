/**
 * Dependencies run one way: routes → pipeline → (policy, redaction, routing, providers) → contracts. A lower layer
 * that imports a higher one (a provider reaching into the pipeline, the pipeline into a route) fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
/** Layers of the same rank may use each other (the router sends through providers); none may use a higher one. */
const RANK: Record<string, number> = {
  contracts: 0, crypto: 0,
  policy: 1, redaction: 1, routing: 1, providers: 1, mcp: 1, auth: 1, config: 1, metrics: 1, telemetry: 1,
  pipeline: 2,
  routes: 3,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0]!;

describe('layering', () => {
  it('no module imports a layer above its own', () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      const from = layerOf(file);
      if (RANK[from] === undefined) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)) {
        const to = layerOf(resolve(dirname(file), m[1]!));
        if (RANK[to] !== undefined && to !== from && RANK[to]! > RANK[from]!) wrong.push(`${relative(SRC, file)} → ${m[1]}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
