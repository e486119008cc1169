/**
 * A small statistical model of what a personal name looks like: naive Bayes over the character 2- to 4-grams of a
 * word, trained on the gazetteer's first and last names against common English words and place names. It scores
 * words no list holds ("Quennmark" reads as a name, "Entertainment" and "Valgamaa" do not). Trained by
 * scripts/build-name-model.ts into name-model.json (shipped, loaded locally); the measuring script retrains it
 * without the names it scores.
 */
import { readFileSync } from 'node:fs';

export interface NameModel {
  /** Log-odds of name vs other for each n-gram seen often enough; unseen n-grams count zero. */
  readonly weights: ReadonlyMap<string, number>;
}

const MIN_N = 2;
const MAX_N = 4;
/** N-grams seen fewer times in both classes carry noise, not form: dropped, which also keeps the file small. */
const MIN_COUNT = 3;

function grams(word: string, each: (g: string) => void): void {
  const w = `^${word}$`;
  for (let n = MIN_N; n <= MAX_N; n++) for (let i = 0; i + n <= w.length; i++) each(w.slice(i, i + n));
}

export function trainNameModel(names: Iterable<string>, others: Iterable<string>): NameModel {
  const count = (words: Iterable<string>): [Map<string, number>, number] => {
    const m = new Map<string, number>();
    let total = 0;
    for (const w of words) {
      grams(w, (g) => {
        m.set(g, (m.get(g) ?? 0) + 1);
        total++;
      });
    }
    return [m, total];
  };
  const [a, totalA] = count(names);
  const [b, totalB] = count(others);
  const weights = new Map<string, number>();
  for (const g of new Set([...a.keys(), ...b.keys()])) {
    const ca = a.get(g) ?? 0;
    const cb = b.get(g) ?? 0;
    if (ca + cb < MIN_COUNT) continue;
    weights.set(g, Math.round(Math.log(((ca + 0.5) / totalA) / ((cb + 0.5) / totalB)) * 100) / 100);
  }
  return { weights };
}

/** Scores by word, per model: prompts repeat words, and an n-gram walk costs more than a lookup. */
const scores = new WeakMap<NameModel, Map<string, number>>();
const CACHED_WORDS = 50_000;

/** Mean log-odds per n-gram that a (lower-case) word is a personal name: above 0 reads as a name. */
export function nameScore(model: NameModel, word: string): number {
  let cache = scores.get(model);
  if (!cache) scores.set(model, (cache = new Map()));
  let score = cache.get(word);
  if (score === undefined) {
    if (cache.size >= CACHED_WORDS) cache.clear();
    cache.set(word, (score = walk(model, word)));
  }
  return score;
}

function walk(model: NameModel, word: string): number {
  let sum = 0;
  let n = 0;
  grams(word, (g) => {
    sum += model.weights.get(g) ?? 0;
    n++;
  });
  return n ? sum / n : 0;
}

let shipped: NameModel | undefined;
let current: NameModel | undefined;

/** The model in use: the shipped one, unless a measurement has put a retrained one in its place. */
export function nameModel(): NameModel {
  if (current) return current;
  const data = JSON.parse(readFileSync(new URL('./name-model.json', import.meta.url), 'utf8')) as { weights: Record<string, number> };
  shipped ??= { weights: new Map(Object.entries(data.weights)) };
  return (current = shipped);
}

/** For measuring only: score with a model trained without the names being scored (scripts/pii-generalisation.ts). */
export function useNameModel(model: NameModel): void {
  current = model;
}
