/**
 * Trains the name model (src/redaction/gazetteer/name-model.ts) on the gazetteer: first and last names against common
 * English words and place names, and writes src/redaction/gazetteer/name-model.json. Run with
 * `npx tsx scripts/build-name-model.ts` in gateway/ after the gazetteer changes; the output is committed.
 */
import { writeFileSync } from 'node:fs';
import { gazetteer, trainingWords } from '../src/redaction/gazetteer/index.js';
import { trainNameModel } from '../src/redaction/gazetteer/name-model.js';

const { names, others } = trainingWords(gazetteer());
const model = trainNameModel(names, others);
const weights = Object.fromEntries([...model.weights].sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(new URL('../src/redaction/gazetteer/name-model.json', import.meta.url), JSON.stringify({ weights }) + '\n');
console.log(`${names.length} names, ${others.length} other words, ${model.weights.size} n-grams`);
