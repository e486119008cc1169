/**
 * Name and place lists (built from @faker-js/faker's 77 locales by scripts/build-gazetteer.ts), as sets for O(1)
 * word lookups. Loaded once, on first use.
 */
import { readFileSync } from 'node:fs';

export interface Gazetteer {
  readonly first: ReadonlySet<string>;
  readonly last: ReadonlySet<string>;
  /** Cities, countries and states, single- and multi-word, lower-case. */
  readonly places: ReadonlySet<string>;
  readonly streetSuffixes: ReadonlySet<string>;
  /** The longest place name, in words. */
  readonly maxPlaceWords: number;
}

let loaded: Gazetteer | undefined;

export function gazetteer(): Gazetteer {
  if (loaded) return loaded;
  const data = JSON.parse(readFileSync(new URL('./data.json', import.meta.url), 'utf8')) as Record<string, string[]>;
  const places = new Set([...data.city!, ...data.country!, ...data.state!]);
  let maxPlaceWords = 1;
  for (const p of places) maxPlaceWords = Math.max(maxPlaceWords, p.split(' ').length);
  loaded = {
    first: new Set(data.first),
    last: new Set(data.last),
    places,
    streetSuffixes: new Set(data.streetSuffix!.map((s) => s.replace(/\.$/, ''))),
    maxPlaceWords: Math.min(maxPlaceWords, 5),
  };
  return loaded;
}
