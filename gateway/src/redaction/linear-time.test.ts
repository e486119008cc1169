/**
 * Detection must stay linear in the text on inputs built to make a backtracking pattern rescan or re-split
 * (`test/fixtures/pathological-pii.ts`). Judged by ratios measured in one run, not by wall
 * clock: quadrupling the input may quadruple the time (linear) but not multiply it by sixteen (quadratic).
 */
import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { BOUNDED, GROWING, fill } from '../../test/fixtures/pathological-pii.js';
import { detect } from './engine.js';

const PROSE = (n: number): string => fill('Dr. Maria Keller moved to 14 Elm Street, Springfield last May and can be reached at home. ', n);

/**
 * Milliseconds per call: the best of several rounds, each long enough for the timer to resolve. Calls alternate
 * between two texts (one with a leading blank) so that no per-text cache (tokens, the secret scan) answers them.
 */
function cost(text: string): number {
  const texts = [text, ' ' + text];
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const t0 = performance.now();
    do {
      detect(texts[calls % 2]!, { tier: 'full' });
      calls++;
    } while (performance.now() - t0 < 2);
    best = Math.min(best, (performance.now() - t0) / calls);
  }
  return best;
}

describe('detection time grows linearly with the text', () => {
  for (const [name, make] of Object.entries(GROWING)) {
    it(name, () => {
      const small = cost(make(2048));
      const large = cost(make(8192));
      // Linear is 4; quadratic 16. The margin absorbs a loaded machine.
      expect(large / small).toBeLessThan(8);
    });
  }

  for (const [name, make] of Object.entries(BOUNDED)) {
    it(`${name} cost about what prose does`, () => {
      const prose = cost(PROSE(2048));
      expect(cost(make(2048)) / prose).toBeLessThan(20);
    });
  }
});
