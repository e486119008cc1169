/**
 * Name and place lists (built from @faker-js/faker's 77 locales by scripts/build-gazetteer.ts), as sets for O(1)
 * word lookups, plus country names in several languages from the runtime's own ICU data (Intl.DisplayNames), so
 * every ISO country is known without a list of our own. Loaded once, on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface Gazetteer {
  readonly first: ReadonlySet<string>;
  readonly last: ReadonlySet<string>;
  /** Cities, countries and states, single- and multi-word, lower-case. */
  readonly places: ReadonlySet<string>;
  /** Country names (and common alternative names), lower-case. */
  readonly countries: ReadonlySet<string>;
  readonly streetSuffixes: ReadonlySet<string>;
  /**
   * Every leading part of a multi-word place ("new", "new south"): a word-level trie flattened into a Set, so a
   * lookup walks forward word by word and stops as soon as no place can start this way.
   */
  readonly placePrefixes: ReadonlySet<string>;
  /**
   * English words written in lower case (Hunspell's en dictionary, from the dictionary-en package): a capitalised
   * word that is one of these ("Entertainment", "Guilty") is a title or a brand more often than a name.
   */
  readonly common: ReadonlySet<string>;
}

/** Whether a word, or its stem by the commonest English endings, is a common English word. */
export function isCommon(word: string, g: Gazetteer): boolean {
  const c = g.common;
  if (c.has(word)) return true;
  if (word.length < 5) return false;
  const last = word[word.length - 1];
  if (last === 's') return c.has(word.slice(0, -1)) || (word.endsWith('es') && c.has(word.slice(0, -2))) || (word.endsWith('ies') && c.has(word.slice(0, -3) + 'y'));
  if (last === 'd') return c.has(word.slice(0, -1)) || c.has(word.slice(0, -2));
  if (word.endsWith('ing')) return c.has(word.slice(0, -3)) || c.has(word.slice(0, -3) + 'e');
  return word.endsWith('ly') && c.has(word.slice(0, -2));
}

const COUNTRY_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl', 'sv', 'da', 'nb', 'fi', 'cs', 'hu', 'el', 'tr', 'ru'];
/** Names in everyday use that ICU gives under another form (it says "Czechia", people write "Czech Republic"). */
const COUNTRY_ALIASES = [
  'czech republic', 'republic of ireland', "people's republic of china", 'usa', 'u.s.a.', 'america', 'uk', 'great britain', 'britain',
  'england', 'scotland', 'wales', 'northern ireland', 'holland', 'burma', 'ivory coast', 'swaziland', 'macedonia', 'east timor',
  'republic of korea', 'korea', 'russian federation', 'turkey', 'vatican', 'congo', 'democratic republic of the congo',
  'republic of the congo', 'saint vincent and the grenadines', 'saint kitts and nevis', 'saint lucia', 'bosnia and herzegovina',
  'trinidad and tobago', 'antigua and barbuda', 'sao tome and principe', 'palestine', 'hong kong', 'macau', 'europe', 'asia',
  'africa', 'south america', 'north america', 'latin america', 'middle east', 'scandinavia', 'oceania', 'caribbean',
];

function countryNames(): Set<string> {
  const names = new Set(COUNTRY_ALIASES);
  for (const lang of COUNTRY_LANGUAGES) {
    const display = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        let name: string | undefined;
        try {
          name = display.of(String.fromCharCode(a, b));
        } catch {
          continue;
        }
        if (!name || /^unknown|pseudo|outlying|eurozone|united nations|european union/i.test(name)) continue;
        const lower = name.toLowerCase();
        names.add(lower.replace(/\s*\(.*\)$/, '').replace(/\s+sar china$/, ''));
        names.add(lower.replace(/ & /g, ' and ').replace(/^st\. /, 'saint '));
      }
    }
  }
  return names;
}

let loaded: Gazetteer | undefined;

export function gazetteer(): Gazetteer {
  if (loaded) return loaded;
  const data = JSON.parse(readFileSync(new URL('./data.json', import.meta.url), 'utf8')) as Record<string, string[]>;
  const countries = countryNames();
  for (const c of data.country!) countries.add(c);
  const places = new Set([...data.city!, ...countries, ...data.state!]);
  const placePrefixes = new Set<string>();
  for (const p of places) {
    for (let at = p.indexOf(' '); at > 0; at = p.indexOf(' ', at + 1)) placePrefixes.add(p.slice(0, at));
  }
  loaded = {
    first: new Set(data.first),
    last: new Set(data.last),
    places,
    countries,
    streetSuffixes: new Set(data.streetSuffix!.map((s) => s.replace(/\.$/, ''))),
    placePrefixes,
    common: new Set(
      // The package's own entry point reads its files with a top-level await; the word list is all we need.
      readFileSync(createRequire(import.meta.url).resolve('dictionary-en').replace(/index\.js$/, 'index.dic'), 'utf8')
        .split('\n')
        .map((line) => line.split('/')[0]!)
        .filter((w) => /^\p{Ll}/u.test(w)),
    ),
  };
  return loaded;
}

/**
 * Takes names out of the loaded name lists, for measuring: a score with every scored name left out says how the
 * recognisers do on names no list holds (scripts/pii-generalisation.ts).
 */
export function leaveOut(names: Iterable<string>): void {
  const g = gazetteer() as unknown as { first: Set<string>; last: Set<string> };
  for (const n of names) {
    g.first.delete(n);
    g.last.delete(n);
  }
}

/**
 * What the name model learns from: single-word first and last names, against common English words and the words of
 * place names that are no name (a word in both lists says nothing about form).
 */
export function trainingWords(g: Gazetteer): { names: string[]; others: string[] } {
  const names = new Set([...g.first, ...g.last].filter((w) => /^\p{L}+$/u.test(w)));
  const others = new Set<string>();
  for (const w of g.common) if (/^\p{L}+$/u.test(w) && !names.has(w)) others.add(w);
  for (const p of g.places) for (const w of p.split(' ')) if (/^\p{L}{3,}$/u.test(w) && !names.has(w)) others.add(w);
  return { names: [...names], others: [...others] };
}

