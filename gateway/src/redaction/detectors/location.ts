/**
 * LOCATION: street addresses (a number and a street word in any of the common languages, extended over unit numbers
 * and the city / region / country / postcode lines that follow), military and PO-box addresses, postcodes named as
 * such, places from the gazetteer (longest match first) and unknown places announced by their context ("grew up in
 * Remniku", "I am in PORSGRUNN").
 */
import { matches, matchesInLines } from '../context.js';
import { gazetteer, type Gazetteer } from '../gazetteer/index.js';
import type { Detector, Finding } from '../types.js';
import { STOPWORDS } from './stopwords.js';
import { before, tokenize, type Token } from './tokens.js';

/** Street words that open a street name ("Rua Mina", "Via Verbano", "C/ Manuel Iradier"). */
const LEADING_STREET_WORDS = new Set(
  `rua r rue via calle c/ avenida av viale piazza strada carrer plaza ulica ul largo travessa praça praca paseo pasaje camino carretera
ronda rambla calçada estrada alameda viela quai cours impasse passage ruelle vicolo corso lungomare contrada ulitsa prospekt pereulok
odos leoforos chemin route allée boulevard avenue`.split(/\s+/),
);
/** Street words that close a street name ("Baker Street", "Bem rakpart", "Csabai kapu"). */
const TRAILING_STREET_WORDS = new Set(
  `utca út u körút tér rakpart sor strasse straße gasse weg platz laan straat gade gatan vägen vej veien vei katu tie kuja street st
road rd avenue ave lane ln drive dr boulevard blvd court ct place pl square sq way terrace crescent close highway hwy parkway pkwy
trail circle cir alley row hill park steenweg plads allee allé sokak cadde caddesi bulvar plein singel kade dijk markt torg tori väg
gränd stig kapu str`.split(/\s+/),
);
/** Compound street names: "Hersnapvej", "Villacherstrasse", "Michaelkirchstr", "Thingvallastraeti". */
const STREET_COMPOUND = /(?:straße|strasse|str|gasse|weg|platz|laan|straat|gade|gatan|vägen|vej|veien|vei|katu|tie|kuja|plads|plaats|allee|steenweg|dreef|singel|kade|gränd|väg|torget|torg|stræde|straeti|braut|gata|vegur|utca|damm|ufer|markt)$/;

type StreetWord = 'leading' | 'trailing' | undefined;

function streetWord(word: string, suffixes: ReadonlySet<string>): StreetWord {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (LEADING_STREET_WORDS.has(w)) return 'leading';
  if (TRAILING_STREET_WORDS.has(w)) return 'trailing';
  if (w.length > 5 && !STOPWORDS.has(w) && STREET_COMPOUND.test(w)) return 'leading';
  return w.length > 2 && !STOPWORDS.has(w) && suffixes.has(w) ? 'trailing' : undefined;
}

const isName = (word: string): boolean => /^\p{Lu}/u.test(word) && !STOPWORDS.has(word.toLowerCase());

const UNIT = /^\s*,?\s*(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|#)\.?\s*#?\s*\w{1,6}/i;
const UNIT_ONLY = /\b(?:apt|apartment|suite|ste|unit|flat)\.?\s*#?\s*\d{1,6}[A-Za-z]?\b/gi;
/** Number first: "4022 Oakridge Lane", "07 262 Pavlou Drandaki", "35 97 guildry street". */
const NUMBER_FIRST = /(?<![\w-])\d{1,6}[A-Za-z]?(?:[ ,-]+\d{1,6})?[ \t]+(?:[\p{L}'’./-]+[ \t]+){0,3}[\p{L}'’./-]+(?:[ \t]+\d{1,6}[A-Za-z]?\.?)?(?![\w])/gu;
/**
 * Words then number: "Villacher Strasse 89", "Hersnapvej 75", "Dózsa György út 78.". It opens only where a word does
 * (not after a "." or "/" inside one): opening at every letter of "A.B.C…" rescanned the rest of the token each time.
 */
const WORDS_THEN_NUMBER = /(?<![\p{L}\d'’./-])((?:[\p{L}][\p{L}'’./-]*[ \t]+){1,5})(\d{1,5}[A-Za-z]?\.?)(?![\p{L}\d])/gu;
/**
 * "Unit 8310 Box 2149 DPO AE 56093", "USS Nimitz FPO AP 51424". The blanks before the APO line are one `\s*`: written
 * `\s*\n?\s*` (the same strings), every split of a long blank run was tried, 40 ms on a 2 KB prompt of indentation.
 */
const MILITARY = /\b(?:(?:unit|psc)\s+\d{3,5},?\s+box\s+\d{3,5}|(?:uss|usns|usnv|uscgc)\s+[\p{L}'’ -]{2,30}?)\s*(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5}\b/giu;
/** Every military address names its post office: texts without one skip MILITARY. */
const MILITARY_OFFICE = /\b[adf]po\b/i;
const PO_BOX = /\b(?:p\.?\s?o\.?\s*box|post office box|postfach|apartado|caixa postal)\s+\d{1,6}\b/gi;
/** "Baker Street", "Old Kent Road": opens where a word does, not after a "." or "-" inside one ("A.B.C…"). */
const NAMED_STREET = /(?<![\w'’.-])(?:[\p{Lu}][\p{L}'’.-]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Terrace|Crescent|Close|Highway|Parkway|Trail|Circle|Alley|Square|Place)\b\.?/gu;
const ZIP = /\b(?:zip|postal|post|postcode)(?:\s*code)?\s*(?:is|:|=|#)?\s*([A-Z0-9]{2,5}(?:[ -][A-Z0-9]{3,4})?)\b/gi;
/**
 * A line that continues an address: a place, a region code, a postcode, or all three. Words split at blanks only (a
 * blank run may hold hyphens: "Stoke - on - Trent") and hold a letter, so a line splits one way: splitting at hyphens
 * too, as `[ \t-]+` between words did, let "a-b-c-…" split every way there is (100 ms for one 60-character line).
 */
const PLACE_LINE = /^[ \t]*(?:[\p{L}][\p{L}'’.-]*(?:[ \t]+(?:-+[ \t]+)*-*[\p{L}'’.][\p{L}'’.-]*){0,5}|[A-Z]{2})?(?:,?[ \t]*(?:[A-Za-z]{2,3}[ \t]+)?[A-Z0-9]{2,10}(?:[ -][A-Z0-9]{3,4})?)?[ \t]*,?[ \t]*$/u;
/** What may open a line of a formatted address block: bullets, markers. */
const LINE_PREFIX = /^[ \t]*(?:[-*•>?]+[ \t]*)?/;

/** Strong announcements of a place: what follows is a place even if no list knows it. */
const PLACE_CONTEXT = /(?:\b(?:grew up|born|raised|live|lives|lived|living|located|based|stationed|settled|stay(?:ing|ed)?|am|i'm|are|were|was|is|be|arrived|arrive|arriving)\s+(?:in|at)|\b(?:moved|move|moving|relocat(?:e|ed|ing)|travel(?:l?ing|l?ed)?|flew|fly|flying|went|go|going|drove|drive|driving|headed|heading|returned|return|coming|come|came|trip|trips|welcome|ticket|tickets|flight|flights|route|journey)\s+(?:(?:back|here|there|home|over)\s+)?(?:to|from)|\b(?:visit(?:ing|ed)?|home (?:city|town)|city of|town of|village of|region of|province of|suburb of|outskirts of|streets? in|neighbourhood of|neighborhood of)|\b(?:moved|came|come|is|are|am|from) (?:here )?from|\bfrom)\s*$/;
/** Weaker announcements: enough for a name the gazetteer knows as a place. */
const NEAR_PLACE = /(?:\b(?:in|to|from|at|near|around|across|outside|inside|via|visit|visiting|toward|towards|city|country|of)|^|[\n,:;(])\s*$/;
/** Lower-case words allowed inside a place name: "Mansilla de la Sierra", "Ždár nad Sázavou". */
const PLACE_JOINERS = new Set(['de', 'del', 'della', 'di', 'da', 'do', 'dos', 'das', 'la', 'le', 'les', 'los', 'las', 'el', 'nad', 'pod', 'am', 'an', 'im', 'sur', 'sous', 'upon', 'on', 'en', 'y', 'i', 'of', 'and', 'the']);

/** A full stop after a house number ends the sentence unless the text goes on in lower case ("Bem rakpart 79. street"). */
function dropSentenceStop(text: string, end: number): number {
  return text[end - 1] === '.' && !/^ ?\p{Ll}/u.test(text.slice(end, end + 2)) ? end - 1 : end;
}

function addressEnd(text: string, end: number): number {
  end = dropSentenceStop(text, end);
  const unit = UNIT.exec(text.slice(end, end + 24));
  if (unit) end += unit[0].length;
  for (let lines = 0; lines < 5; lines++) {
    const rest = text.slice(end, end + 90);
    const sep = /^[ \t]*(?:\n|,)/.exec(rest);
    if (!sep) break;
    const lineStart = sep[0].length + (sep[0].endsWith('\n') ? LINE_PREFIX.exec(rest.slice(sep[0].length))![0].length : 0);
    const nl = rest.indexOf('\n', lineStart);
    const line = rest.slice(lineStart, nl < 0 ? undefined : nl);
    const piece = sep[0].endsWith(',') ? line.split(',')[0]! : line;
    if (!piece.trim() || piece.length > 60 || !(UNIT.test(piece) || PLACE_LINE.test(piece)) || /[?!]/.test(piece)) break;
    end += lineStart + piece.trimEnd().length;
  }
  return end;
}

/** Number, one to three capitalised words, number: "69 Roheline 43", "92 Eusebio Dávila 57". */
const NUMBERED_STREET = /(?<![\w-])\d{1,5}[A-Za-z]?\s+(?:[\p{Lu}][\p{L}'’.-]*\s+){0,2}[\p{Lu}][\p{L}'’.-]+\s+\d{1,5}[A-Za-z]?\.?(?![\w-])/gu;

function streetAddresses(text: string, g: Gazetteer, out: Finding[]): void {
  for (const m of matches(text, NUMBER_FIRST)) {
    const words = m[0].split(/[ \t]+/).filter((w) => !/^\d/.test(w));
    if (!words.some((w) => streetWord(w, g.streetSuffixes))) continue;
    out.push({ type: 'LOCATION', start: m.index, end: addressEnd(text, m.index + m[0].length), score: 0.9 });
  }
  for (const m of matches(text, NUMBERED_STREET)) {
    if (m[0].split(/\s+/).some((w) => STOPWORDS.has(w.toLowerCase()))) continue;
    out.push({ type: 'LOCATION', start: m.index, end: addressEnd(text, m.index + m[0].length), score: 0.85 });
  }
  // Blanks, letters and digits only: a match never crosses a line, and ends in a number.
  for (const m of matchesInLines(text, WORDS_THEN_NUMBER, /\d/)) {
    const words = m[1]!.trim().split(/[ \t]+/);
    let first = -1;
    for (let k = words.length - 1; k >= 0 && first < 0; k--) {
      const kind = streetWord(words[k]!, g.streetSuffixes);
      // A trailing street word needs a name before it ("Dr. Burke is 53" is no street); a leading one opens it.
      if (kind === 'leading') first = k;
      else if (kind === 'trailing' && k > 0 && isName(words[k - 1]!)) first = k - 1;
    }
    if (first < 0) continue;
    while (first > 0 && isName(words[first - 1]!)) first--;
    const offset = words.slice(0, first).reduce((at, w) => m[1]!.indexOf(w, at) + w.length, 0);
    const start = m.index + m[1]!.indexOf(words[first]!, offset);
    out.push({ type: 'LOCATION', start, end: addressEnd(text, m.index + m[0].length), score: 0.85 });
  }
  for (const re of MILITARY_OFFICE.test(text) ? [MILITARY, PO_BOX] : [PO_BOX]) {
    for (const m of matches(text, re)) out.push({ type: 'LOCATION', start: m.index, end: addressEnd(text, m.index + m[0].length), score: 0.9 });
  }
  for (const m of matches(text, NAMED_STREET)) out.push({ type: 'LOCATION', start: m.index, end: m.index + m[0].length, score: 0.85 });
  for (const m of matches(text, UNIT_ONLY)) out.push({ type: 'LOCATION', start: m.index, end: m.index + m[0].length, score: 0.6 });
  for (const m of matches(text, ZIP)) {
    if (!/\d/.test(m[1]!)) continue;
    const start = m.index + m[0].length - m[1]!.length;
    out.push({ type: 'LOCATION', start, end: start + m[1]!.length, score: 0.7 });
  }
}

/** A run of place words from token i: capitalised words and the joiners between them, up to six words. */
function placeRun(text: string, tokens: readonly Token[], i: number): number {
  let j = i;
  while (j + 1 < tokens.length && j - i < 5) {
    const next = tokens[j + 1]!;
    if (!/^[ \t-]{1,2}$/.test(text.slice(tokens[j]!.end, next.start))) break;
    if (next.capital && !next.stop) j++;
    else if (PLACE_JOINERS.has(next.lower) && tokens[j + 2]?.capital && /^[ \t-]{1,2}$/.test(text.slice(next.end, tokens[j + 2]!.start))) j += 2;
    else break;
  }
  return j;
}

/** A postcode right after a place ("Montenegro 27389", "Dallas TX 48486"). */
function withPostcode(text: string, end: number): number {
  const m = /^,?[ \t]+(?:[A-Z]{2}[ \t]+)?\d{3,6}(?:-\d{3,4})?(?![\w-])/.exec(text.slice(end, end + 20));
  return m ? end + m[0].length : end;
}

/** The last token of the longest gazetteer place starting at token i, or -1; a stopword may open one ("New Zealand"). */
function longestPlace(text: string, tokens: readonly Token[], i: number, g: Gazetteer): number {
  let phrase = tokens[i]!.lower;
  let found = !tokens[i]!.stop && phrase.length > 2 && tokens[i]!.capital && g.places.has(phrase) ? i : -1;
  for (let j = i + 1; j < tokens.length && g.placePrefixes.has(phrase); j++) {
    if (!/^[ \t]{1,2}$/.test(text.slice(tokens[j - 1]!.end, tokens[j]!.start))) break;
    phrase += ' ' + tokens[j]!.lower;
    if (g.places.has(phrase) && (tokens[j]!.capital || tokens[j]!.stop)) found = j;
  }
  return found;
}

function places(text: string, g: Gazetteer, out: Finding[]): void {
  const tokens = tokenize(text);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.lower.length < 2 || !(t.capital || /^\p{Lu}/u.test(t.text))) continue;
    const lead = before(text, t.start, 48);
    const found = longestPlace(text, tokens, i, g);
    if (found >= 0) {
      const phrase = text.slice(t.start, tokens[found]!.end).toLowerCase();
      const single = found === i;
      const country = g.countries.has(phrase);
      const name = single && (g.first.has(phrase) || g.last.has(phrase));
      const context = PLACE_CONTEXT.test(lead) || NEAR_PLACE.test(lead);
      const personNext = tokens[found + 1] && tokens[found + 1]!.capital && g.last.has(tokens[found + 1]!.lower) && /^ $/.test(text.slice(tokens[found]!.end, tokens[found + 1]!.start));
      if (!(name && !context && !country) && !personNext) {
        const score = country || !name ? 0.75 : 0.6;
        out.push({ type: 'LOCATION', start: t.start, end: withPostcode(text, tokens[found]!.end), score });
        i = found;
        continue;
      }
    }
    // An unknown place right after words that announce one.
    if (t.capital && !t.stop && PLACE_CONTEXT.test(lead)) {
      const j = placeRun(text, tokens, i);
      out.push({ type: 'LOCATION', start: t.start, end: withPostcode(text, tokens[j]!.end), score: 0.6 });
      i = j;
    }
  }
}

export const locationDetector: Detector = {
  type: 'LOCATION',
  detect(text) {
    if (!/\p{L}/u.test(text)) return [];
    const g = gazetteer();
    const out: Finding[] = [];
    streetAddresses(text, g, out);
    places(text, g, out);
    return out;
  },
};
