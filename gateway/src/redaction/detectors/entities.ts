/**
 * The `full` tier's recognisers: PERSON and LOCATION from gazetteer lookups (a Set probe per word, so cost grows
 * with the text, not with the lists) plus capitalisation and context, and DATE_OF_BIRTH as a date in a birth context.
 * Cheap triggers come first: a text with no capitalised word and no digit skips most of the work.
 */
import { gazetteer } from '../gazetteer/index.js';
import { hasContext, matches } from '../context.js';
import type { Detector, Finding } from '../types.js';
import { STOPWORDS } from './stopwords.js';

interface Token {
  readonly text: string;
  readonly lower: string;
  readonly start: number;
  readonly end: number;
  readonly capital: boolean;
}

const WORD = /[\p{L}][\p{L}\p{M}'’-]*/gu;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of matches(text, WORD)) {
    const word = m[0].replace(/['’]s$/i, '').replace(/['’-]+$/, '');
    tokens.push({ text: word, lower: word.toLowerCase(), start: m.index, end: m.index + word.length, capital: /^\p{Lu}/u.test(word) });
  }
  return tokens;
}

/** Only spaces (or a single comma-free gap) between two tokens: they can belong to one name. */
const adjacent = (text: string, a: Token, b: Token): boolean => /^\.?[ \t]{1,2}$/.test(text.slice(a.end, b.start)) && (text[a.end] !== '.' || a.text.length === 1);

const TITLE = /(?:\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Mme|Mlle|Herr|Frau|Sr|Sra)\.?\s+)$/;
const NAME_CONTEXT = /(?:\b|\?)(?:name\??|named|i am|i'm|my name|contact|dear|hi|hello|by|from|mr|mrs|ms|dr|user|customer|patient|employee|client|signed|regards|thanks|to|cc|attn|author|directed|written|called|with|and)(?!\w)[\s:,]*$/i;

/** A speaker's name opening a line of dialogue: `Jordan: …`. */
const dialogue = (text: string, t: Token): boolean => /^\s*:/.test(text.slice(t.end, t.end + 3)) && /(^|\n)\s*$/.test(text.slice(Math.max(0, t.start - 3), t.start));

function isNameWord(t: Token, first: ReadonlySet<string>, last: ReadonlySet<string>): 'first' | 'last' | undefined {
  if (t.lower.length < 2 || STOPWORDS.has(t.lower)) return undefined;
  if (first.has(t.lower)) return 'first';
  if (last.has(t.lower)) return 'last';
  return undefined;
}

export const personDetector: Detector = {
  type: 'PERSON',
  detect(text) {
    if (!/\p{L}/u.test(text)) return [];
    const g = gazetteer();
    const { first, last } = g;
    const tokens = tokenize(text);
    const out: Finding[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const titled = t.capital && TITLE.test(text.slice(Math.max(0, t.start - 8), t.start));
      const kind = isNameWord(t, first, last) ?? (titled && !STOPWORDS.has(t.lower) ? 'last' : undefined);
      if (!kind) continue;
      // Grow a run of adjacent name words (or capitalised unknown words after a known first name).
      let j = i;
      let known = 1;
      let firsts = kind === 'first' ? 1 : 0;
      while (j + 1 < tokens.length && adjacent(text, tokens[j]!, tokens[j + 1]!) && j - i < 3) {
        const next = tokens[j + 1]!;
        const k = isNameWord(next, first, last);
        if (k) {
          known++;
          if (k === 'first') firsts++;
        } else if (!(next.capital && tokens[j]!.capital && !STOPWORDS.has(next.lower) && (next.lower.length > 1 || text[next.end] === '.'))) break;
        j++;
      }
      const run = tokens.slice(i, j + 1);
      const allCapital = run.every((x) => x.capital);
      const multi = run.length >= 2;
      let start = t.start;
      const title = TITLE.exec(text.slice(Math.max(0, start - 8), start));
      if (title) start -= title[0].length;
      const context = Boolean(title) || NAME_CONTEXT.test(text.slice(Math.max(0, t.start - 24), t.start));
      let score = 0;
      if (multi && firsts > 0 && (allCapital || known === run.length)) score = allCapital ? 0.85 : 0.7;
      else if (multi && kind === 'first' && context) score = 0.6;
      else if (multi && allCapital && known >= 1) score = 0.65;
      else if (!multi && kind === 'first' && ((t.capital && context) || dialogue(text, t))) score = 0.6;
      else if (!multi && t.capital && context && kind === 'last') score = 0.5;
      else if (!multi && t.capital && kind === 'first' && t.lower.length > 3 && !g.places.has(t.lower)) score = 0.5;
      if (score > 0) out.push({ type: 'PERSON', start, end: run[run.length - 1]!.end, score });
      i = j;
    }
    return out;
  },
};

const ADDRESS_WORDS = /^(?:rua|rue|via|calle|avenida|av|viale|piazza|strada|carrer|plaza|ulica|ul|utca|strasse|straße|gasse|weg|platz|laan|straat|gade|gatan|vägen|vej|veien|katu|tie|kuja|street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|square|sq|way|terrace|crescent|close|highway|hwy|parkway|pkwy|trail|circle|cir|alley|row|hill|park)\.?$/i;
const UNIT = /^\s*,?\s*(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|#)\.?\s*#?\s*\w{1,6}/i;
/** Street lines in two shapes, scanned apart so one cannot swallow the other's start: number first, or words first. */
const STREET_LINES = [
  /(?<![\w-])\d{1,6}[A-Za-z]?(?:[ ,-]+\d{1,6})?[ \t]+(?:[\p{L}'’.-]+[ \t]+){0,3}[\p{L}'’.-]+(?:[ \t]+\d{1,6}[A-Za-z]?)?(?![\w])/gu,
  /(?<![\w-])(?:[\p{L}'’.-]+[ \t]+){1,4}\d{1,6}[A-Za-z]?(?![\w])/gu,
];
const POSTCODE_OR_PLACE_LINE = /^[ \t]*(?:[\p{Lu}][\p{L}'’.-]*(?:[ \t]+[\p{L}'’.-]+){0,3}|[A-Z]{2})(?:,?[ \t]+(?:[A-Z]{2}[ \t]+)?[A-Z0-9]{3,10}(?:-[0-9]{4})?)?[ \t]*,?[ \t]*$/u;

const MILITARY = /\b(?:(?:unit|psc)\s+\d{3,5},?\s+box\s+\d{3,5}|(?:uss|usns|usnv|usns)\s+[\p{L}'’ -]{2,30}?)\s*\n?\s*(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5}\b/giu;
const UNIT_ONLY = /\b(?:apt|apartment|suite|ste|unit|flat)\.?\s*#?\s*\d{1,6}[A-Za-z]?\b/gi;
const NAMED_STREET = /\b(?:[\p{Lu}][\p{L}'’.-]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Terrace|Crescent|Close|Highway|Parkway|Trail|Circle|Alley|Square|Place)\b\.?/gu;
/** Number, one to three capitalised words, number: "69 Roheline 43", "4022 Oakridge Lane". */
const NUMBERED_STREET = /(?<![\w-])\d{1,5}[A-Za-z]?\s+(?:[\p{Lu}][\p{L}'’.-]*\s+){0,2}[\p{Lu}][\p{L}'’.-]+\s+\d{1,5}[A-Za-z]?(?![\w-])/gu;

const PLACE_AFTER = /\b(?:flew to|fly to|flying to|moved to|move to|moving to|lives? in|living in|located in|based in|i am in|i'm in|travel(?:l?ing)? to|visiting|home city|city of|town of|born in|relocat(?:e|ed|ing) to)\s+([\p{Lu}][\p{L}'’-]+(?:[ -][\p{Lu}][\p{L}'’-]+){0,2})/gu;

/** Does this candidate street line name a street (a street word from the gazetteer or the list above)? */
function isStreet(candidate: string, suffixes: ReadonlySet<string>): boolean {
  const words = candidate.split(/\s+/).filter((w) => !/^\d/.test(w));
  return words.some((w) => ADDRESS_WORDS.test(w) || (w.length > 2 && !STOPWORDS.has(w.toLowerCase()) && suffixes.has(w.toLowerCase().replace(/\.$/, ''))));
}

/** Words that open a street name in many languages ("Rua Mina 50", "via Verbano 62"). */
const LEADING_STREET = /(?:^|\s)(?:rua|rue|via|calle|avenida|av|viale|piazza|strada|carrer|plaza|ulica|ul|utca|avenue|largo|travessa|chemin|allée|boulevard)\.?\s/i;

/** Where a street match really starts: at its number, or at a leading street word. */
function streetStart(candidate: string): number {
  if (/^\d/.test(candidate)) return 0;
  const m = LEADING_STREET.exec(' ' + candidate);
  return m ? Math.max(0, m.index + (m[0].startsWith(' ') ? 1 : 0) - 1) : -1;
}

export const locationDetector: Detector = {
  type: 'LOCATION',
  detect(text) {
    if (!/\p{L}/u.test(text)) return [];
    const g = gazetteer();
    const out: Finding[] = [];
    // Street addresses, extended over unit numbers and the lines that follow (city, region, country, postcode).
    for (const m of STREET_LINES.flatMap((re) => [...matches(text, re)])) {
      const offset = streetStart(m[0]);
      if (offset < 0 || (offset === 0 && /^\d/.test(m[0]) && !isStreet(m[0], g.streetSuffixes))) continue;
      const start = m.index + offset;
      let end = m.index + m[0].length;
      const unit = UNIT.exec(text.slice(end));
      if (unit) end += unit[0].length;
      for (let lines = 0; lines < 4; lines++) {
        const rest = text.slice(end);
        const nl = /^[ \t]*(?:\n|,)/.exec(rest);
        if (!nl) break;
        const lineEnd = rest.indexOf('\n', nl[0].length);
        const line = rest.slice(nl[0].length, lineEnd < 0 ? undefined : lineEnd);
        const unitLine = UNIT.exec(line);
        if (!(unitLine || POSTCODE_OR_PLACE_LINE.test(line)) || line.trim().length === 0 || line.length > 60) break;
        end += nl[0].length + line.trimEnd().length;
      }
      out.push({ type: 'LOCATION', start, end, score: 0.9 });
    }
    for (const re of [MILITARY, NAMED_STREET, NUMBERED_STREET]) {
      for (const m of matches(text, re)) {
        if (re === NUMBERED_STREET && m[0].split(/\s+/).some((w) => STOPWORDS.has(w.toLowerCase()))) continue;
        out.push({ type: 'LOCATION', start: m.index, end: m.index + m[0].length, score: 0.9 });
      }
    }
    // An unknown place named right after words that announce one: "I am in PORSGRUNN", "flew to Coles".
    for (const m of matches(text, PLACE_AFTER)) {
      const start = m.index + m[0].length - m[1]!.length;
      if (!STOPWORDS.has(m[1]!.toLowerCase())) out.push({ type: 'LOCATION', start, end: start + m[1]!.length, score: 0.6 });
    }
    for (const m of matches(text, UNIT_ONLY)) out.push({ type: 'LOCATION', start: m.index, end: m.index + m[0].length, score: 0.6 });
    // Places by name: the longest gazetteer match at each word.
    const tokens = tokenize(text);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (STOPWORDS.has(t.lower) || t.lower.length < 3) continue;
      for (let n = Math.min(g.maxPlaceWords, tokens.length - i); n >= 1; n--) {
        const run = tokens.slice(i, i + n);
        if (n > 1 && !run.every((x, k) => k === 0 || /^[ \t-]{1,2}$/.test(text.slice(run[k - 1]!.end, x.start)))) continue;
        const phrase = text.slice(run[0]!.start, run[n - 1]!.end).toLowerCase();
        if (!g.places.has(phrase)) continue;
        if (!run[0]!.capital && n === 1 && !/-/.test(phrase)) continue;
        if (n === 1 && (g.first.has(phrase) || g.last.has(phrase)) && !hasContext(text, t.start, t.end, /\b(?:in|to|from|at|near|live|lives|living|moved|visit|travel|city|country|born)\s*$/i)) continue;
        out.push({ type: 'LOCATION', start: run[0]!.start, end: run[n - 1]!.end, score: 0.7 });
        i += n - 1;
        break;
      }
    }
    return out;
  },
};

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DATE = new RegExp(
  `\\b(?:\\d{1,2}[/.-]\\d{1,2}[/.-](?:19|20)?\\d{2}|(?:19|20)\\d{2}[/.-]\\d{1,2}[/.-]\\d{1,2}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\.?,?\\s+(?:19|20)\\d{2}|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+(?:19|20)\\d{2})\\b`,
  'gi',
);
const BIRTH = /\b(?:born|birth|dob|d\.o\.b|birthday|birthdate|date of birth|b\.)\b/i;

export const dateOfBirthDetector: Detector = {
  type: 'DATE_OF_BIRTH',
  detect(text) {
    if (!BIRTH.test(text)) return [];
    const out: Finding[] = [];
    for (const m of matches(text, DATE)) {
      if (hasContext(text, m.index, m.index + m[0].length, BIRTH)) out.push({ type: 'DATE_OF_BIRTH', start: m.index, end: m.index + m[0].length, score: 0.85 });
    }
    return out;
  },
};
