/**
 * OPA's own conformance suite (../shared/opa-conformance), run in-process. The floors are the pass rates reached so
 * far, so any regression fails; the bars (tier 1 ≥ 98 %, tier 2 ≥ 95 %, overall ≥ 90 %) are the goal.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../scripts/conformance.js';

const CASES = fileURLToPath(new URL('../../../shared/opa-conformance/', import.meta.url));
// Reached: tier 1 932/932, tier 2 823/825, tier 3 516/517, overall 2271/2274 (99.9 %).
const FLOORS = { '1': 0.995, '2': 0.995, '3': 0.99 };
const OVERALL_FLOOR = 0.995;

describe.skipIf(!existsSync(CASES))('OPA conformance', () => {
  it('keeps the pass rates reached so far', () => {
    const report = runConformance({ cases: CASES });
    expect(report.total).toBe(2274);
    for (const [tier, floor] of Object.entries(FLOORS)) {
      const t = report.byTier[tier]!;
      expect(t.passed / t.total, `tier ${tier}`).toBeGreaterThanOrEqual(floor);
    }
    expect(report.passed / report.total).toBeGreaterThanOrEqual(OVERALL_FLOOR);
  });
});
