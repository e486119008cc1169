/**
 * How the recognisers do on names no list holds, beside the usual dev-set score (../shared/pii/dev.jsonl):
 *
 * - `usual`: the dev set as it is.
 * - `leave-names-out`: every word of every PERSON span in the texts is first taken out of the name lists, and the
 *   name model is retrained on what is left, so no list and no model holds a name that is scored.
 * - `made-up names`: every PERSON span is replaced by a made-up name of the same shape (words, case), built from
 *   syllables rather than from any list, and checked to be in none.
 *
 * Run with `npx tsx scripts/pii-generalisation.ts` in gateway/; prints the scorer's rows for PERSON and the micro row.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detect } from '../src/redaction/index.js';
import { gazetteer, leaveOut, trainingWords } from '../src/redaction/gazetteer/index.js';
import { trainNameModel, useNameModel } from '../src/redaction/gazetteer/name-model.js';
import { random } from '../bench/prompts.js';

interface Entity { type: string; start: number; end: number }
interface Row { id: string; text: string; entities: Entity[]; labelled_types?: string[] }

const SHARED = fileURLToPath(new URL('../../../shared/pii/', import.meta.url));
const rows = readFileSync(join(SHARED, 'dev.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
const dir = mkdtempSync(join(tmpdir(), 'airlock-pii-gen-'));

function score(name: string, gold: Row[]): void {
  const goldFile = join(dir, `${name}-gold.jsonl`);
  const predFile = join(dir, `${name}-pred.jsonl`);
  writeFileSync(goldFile, gold.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(predFile, gold.map((r) => JSON.stringify({ id: r.id, text: r.text, entities: detect(r.text, { tier: 'full' }) })).join('\n') + '\n');
  const report = JSON.parse(execFileSync(process.execPath, [join(SHARED, 'score.mjs'), goldFile, predFile, '--json'], { encoding: 'utf8' })) as {
    rows: { type: string; overlap: { p: number; r: number; f: number } }[];
  };
  for (const r of report.rows.filter((r) => ['PERSON', 'MICRO(-OTHER)', 'ANY(type-agnostic)'].includes(r.type))) {
    console.log(`${name.padEnd(16)} ${r.type.padEnd(19)} P ${r.overlap.p.toFixed(3)}  R ${r.overlap.r.toFixed(3)}  F1 ${r.overlap.f.toFixed(3)}`);
  }
}


const ONSETS = ['b', 'br', 'd', 'dr', 'f', 'g', 'gr', 'h', 'j', 'k', 'kr', 'l', 'm', 'n', 'p', 'r', 's', 'st', 't', 'tr', 'v', 'z', 'sh', 'ch', 'th', 'y', 'w', 'kh', 'ts', 'zh'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ei', 'ou', 'ia', 'y', 'á', 'é', 'ö', 'ü', 'ø'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'k', 'm', 't', 'x', 'nd', 'rt', 'sk'];

function madeUpWord(rnd: () => number, known: (w: string) => boolean): string {
  for (;;) {
    const syllables = 2 + Math.floor(rnd() * 2);
    let w = '';
    for (let i = 0; i < syllables; i++) w += ONSETS[Math.floor(rnd() * ONSETS.length)]! + VOWELS[Math.floor(rnd() * VOWELS.length)]! + (i === syllables - 1 ? CODAS[Math.floor(rnd() * CODAS.length)]! : '');
    if (!known(w)) return w;
  }
}

function withMadeUpNames(row: Row, rnd: () => number): Row {
  const g = gazetteer();
  const known = (w: string): boolean => g.first.has(w) || g.last.has(w) || g.places.has(w);
  const people = row.entities.filter((e) => e.type === 'PERSON').sort((a, b) => a.start - b.start);
  let text = row.text;
  let entities = row.entities.map((e) => ({ ...e }));
  for (const p of [...people].reverse()) {
    const original = text.slice(p.start, p.end);
    const name = original.replace(/\p{L}[\p{L}'’-]*/gu, (word) => {
      if (word.length <= 2 && /^\p{Lu}/u.test(word)) return word;
      const made = madeUpWord(rnd, known);
      return word === word.toUpperCase() ? made.toUpperCase() : /^\p{Lu}/u.test(word) ? made[0]!.toUpperCase() + made.slice(1) : made;
    });
    const delta = name.length - original.length;
    text = text.slice(0, p.start) + name + text.slice(p.end);
    entities = entities.map((e) => (e.start >= p.end ? { ...e, start: e.start + delta, end: e.end + delta } : e.start === p.start && e.type === 'PERSON' ? { ...e, end: e.end + delta } : e));
  }
  return { ...row, text, entities };
}

console.log(`files in ${dir}`);
score('usual', rows);
const rnd = random(18);
score('made-up names', rows.map((r) => withMadeUpNames(r, rnd)));
const names = rows.flatMap((r) => r.entities.filter((e) => e.type === 'PERSON').flatMap((e) => r.text.slice(e.start, e.end).toLowerCase().match(/\p{L}[\p{L}'’-]*/gu) ?? []));
leaveOut(names);
const { names: trainNames, others } = trainingWords(gazetteer());
useNameModel(trainNameModel(trainNames, others));
score('leave-names-out', rows);
