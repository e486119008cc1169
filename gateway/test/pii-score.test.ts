/**
 * The recognisers scored on the shared development set through the CLI, with the scorer that judges them
 * (../shared/pii/score.mjs). Each floor is the target or, where the engine does better on this set, a little
 * under the measured figure, so a regression fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const SHARED = fileURLToPath(new URL('../../../shared/pii/', import.meta.url));
const GOLD = join(SHARED, 'dev.jsonl');

const FLOORS: Record<string, number> = {
  EMAIL: 0.95, CREDIT_CARD: 0.95, IBAN: 0.95, SSN: 0.95, IP_ADDRESS: 0.95, URL: 0.95,
  // Targets 0.90 / 0.80 / 0.80 / 0.75 / 0.85; measured 1.00 / 0.957 / 0.942 / 0.980 / 0.969.
  API_KEY: 0.95, PHONE: 0.93, PERSON: 0.92, LOCATION: 0.95, 'MICRO(-OTHER)': 0.95,
};
/** Type-agnostic recall: the target is 0.90; measured 0.972 on this set. */
const ANY_RECALL_FLOOR = 0.95;

describe.skipIf(!existsSync(GOLD))('PII recognisers on the shared development set (full tier)', () => {
  it('meet the per-type overlap F1 floors', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const io = { stdin: Readable.from([readFileSync(GOLD)]), stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd() };
    expect(await main(['pii', 'detect', '--tier', 'full'], io)).toBe(0);
    const pred = join(mkdtempSync(join(tmpdir(), 'airlock-pii-')), 'pred.jsonl');
    writeFileSync(pred, out);
    const report = JSON.parse(execFileSync(process.execPath, [join(SHARED, 'score.mjs'), GOLD, pred, '--json'], { encoding: 'utf8' })) as {
      rows: { type: string; overlap: { p: number; r: number; f: number } }[];
    };
    const byType = Object.fromEntries(report.rows.map((r) => [r.type, r.overlap]));
    for (const [type, floor] of Object.entries(FLOORS)) expect(byType[type]?.f, type).toBeGreaterThanOrEqual(floor);
    expect(byType['ANY(type-agnostic)']?.r).toBeGreaterThanOrEqual(ANY_RECALL_FLOOR);
  });
});
