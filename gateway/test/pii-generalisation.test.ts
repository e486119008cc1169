/**
 * Names no list holds: scripts/pii-generalisation.ts scores the dev set with every scored name left out of the name
 * lists and the name model (and again with every name replaced by a made-up one). The floors are the target
 * for names no list holds (recall 0.8 at precision 0.85), a little under what the dev set gives, so a regression
 * fails. Needs ../shared/pii; under CI it must be there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const GOLD = fileURLToPath(new URL('../../../shared/pii/dev.jsonl', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../scripts/pii-generalisation.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

describe.skipIf(!existsSync(GOLD) && !process.env.CI)('PERSON on names no list holds', () => {
  it('keeps recall 0.8 at precision 0.85 with the scored names left out, and with made-up names', () => {
    expect(existsSync(GOLD), `${GOLD} is missing`).toBe(true);
    const out = execFileSync(process.execPath, [TSX, SCRIPT], { encoding: 'utf8' });
    const person = (setting: string) => {
      const m = new RegExp(`^${setting}\\s+PERSON\\s+P ([\\d.]+)\\s+R ([\\d.]+)`, 'm').exec(out);
      expect(m, `${setting} row in\n${out}`).not.toBeNull();
      return { p: Number(m![1]), r: Number(m![2]) };
    };
    for (const setting of ['leave-names-out', 'made-up names']) {
      const { p, r } = person(setting);
      expect(p, `${setting} precision`).toBeGreaterThanOrEqual(0.85);
      expect(r, `${setting} recall`).toBeGreaterThanOrEqual(0.8);
    }
  }, 120_000);
});
