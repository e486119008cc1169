/**
 * Words of a text for the `full` tier's recognisers, with the one fact about case they need: in a text written
 * without capitals ("olga krylova moved to kiel"), capitalisation says nothing, so every non-stopword counts as
 * capitalised.
 */
import { matches } from '../context.js';
import { STOPWORDS } from './stopwords.js';

export interface Token {
  readonly text: string;
  readonly lower: string;
  readonly start: number;
  readonly end: number;
  /** Starts with a capital, or the text has no capitals at all and this is not a common word. */
  readonly capital: boolean;
  /** Written in a script without letter case (Han, kana, Hangul, Arabic, Hebrew, Thai, Devanagari, …). */
  readonly uncased: boolean;
  readonly stop: boolean;
}

const WORD = /[\p{L}][\p{L}\p{M}'’-]*/gu;
const UNCASED = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Thai}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Tamil}\p{Script=Ethiopic}]/u;

/** PERSON and LOCATION read the same text one after the other: the second gets the first's tokens. */
let last: { text: string; tokens: readonly Token[] } | undefined;

export function tokenize(text: string): readonly Token[] {
  if (last?.text === text) return last.tokens;
  last = { text, tokens: words(text) };
  return last.tokens;
}

function words(text: string): Token[] {
  const caseless = !/\p{Lu}/u.test(text);
  const tokens: Token[] = [];
  for (const m of matches(text, WORD)) {
    const word = m[0].replace(/['’]s$/i, '').replace(/['’-]+$/, '');
    const lower = word.toLowerCase();
    const stop = STOPWORDS.has(lower);
    // Every script without case lies above U+0590: Latin, Greek and Cyrillic words skip the test.
    const uncased = word.charCodeAt(0) >= 0x590 && UNCASED.test(word);
    // A script without case says nothing by capitals either: its words may be names, as in a text without capitals.
    const capital = caseless || uncased ? !stop : /^\p{Lu}/u.test(word);
    tokens.push({ text: word, lower, start: m.index, end: m.index + word.length, capital, stop, uncased });
  }
  return tokens;
}

/** Only blanks (or an initial's full stop) between two tokens: they can belong to one name. */
export function adjacent(text: string, a: Token, b: Token): boolean {
  const gap = text.slice(a.end, b.start);
  return /^\.?[ \t]{1,2}$/.test(gap) && (gap[0] !== '.' || a.text.length === 1);
}

/** The lower-cased text of the `n` words before a position (punctuation kept), for context checks. */
export function before(text: string, at: number, chars = 40): string {
  return text.slice(Math.max(0, at - chars), at).toLowerCase();
}

export function after(text: string, at: number, chars = 32): string {
  return text.slice(at, at + chars).toLowerCase();
}
