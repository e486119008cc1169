/**
 * PERSON: runs of capitalised words built around a known first or last name (gazetteer Set probes, so the cost grows
 * with the text, not with the lists), a surname shape (-ová, -ski, -sson, -dóttir, …) or a title; then scored by
 * how name-like the run is and by the words around it, as Presidio's context enhancement does. A capitalised pair
 * that looks like nothing known still counts when the context names a person ("What's your name? …", "… said").
 */
import { gazetteer, isCommon, type Gazetteer } from '../gazetteer/index.js';
import { nameModel, nameScore } from '../gazetteer/name-model.js';
import { matches } from '../context.js';
import type { Detector, Finding } from '../types.js';
import { adjacent, after, before, tokenize, type Token } from './tokens.js';

const TITLE = /(?:\b(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|mme|mlle|herr|frau|sr|sra|srta)\.?\s+)$/i;
/** Name particles that may sit inside a name: "Willemine ten Pas", "Maika van de Noort". */
const PARTICLES = new Set(['van', 'von', 'de', 'der', 'den', 'ten', 'ter', 'da', 'di', 'du', 'del', 'della', 'le', 'la', 'bin', 'ibn', 'al', 'el', 'dos', 'das', 'y']);
/** Surname endings common across languages; a capitalised word ending so is probably a family name. */
const SURNAME_SHAPE = /(?:ová|ova|ski|ska|sky|ský|cki|cka|ić|vić|sson|ssen|sen|dóttir|dottir|enko|ov|ev|eva|yan|ian|escu|poulos|akis|oglu|oğlu|shvili|dze|chuk|ovich|evich|ová|ásková| né|wicz|ewska|owska|yuk|uk|aki|moto|mura|hashi|kawa|yama|guchi|naga|berg|stein|mann)$/;
/** Words that end a run as an organisation, not a person: "Russell Investments", "Miller Ltd". */
const ORG_WORDS = /^(?:inc|ltd|llc|plc|corp|corporation|company|co|gmbh|ag|sa|associates|consulting|technologies|technology|solutions|group|partners|holdings|bank|university|institute|foundation|investments|insurance|systems|labs|media|analytics|office|llp)$/i;

/** Context before a name that makes even an unknown capitalised word a name. */
const NAMING = /(?:\bname(?: is| was|:|\?)?|\bnamed|\bcalled|\bi am|\bi'm|\buser:|\bdear|\bhi|\bhello|\bhey|\bregards,?|\bsincerely,?|\bsays|\bsaid|\bproducer|\bsongwriter|\bsinger|\bcommenter|\bauthor|\bdirected by|\bwritten by|\btribute to|\bfollow up with|\battn:?|\bex-[\w-]+|\btown,|\bhere's|\bpatient|\bemployee)[\s:,]*$/;
/** Weaker context before a name: raises a run that already holds a known name. */
const NEAR_NAME = /(?:\bby|\bwith|\bunder|\badd|\bmeet|\bask|\bcontact|\bclient|\bcustomer|\bmanager|\bdoctor|\bnurse|\bthanks|\bbut|\bme|\bhim|\bher|\bcc:?|\band)[\s:,]*$/;
/** Context after a name: what a person does in a sentence. */
const AFTER_NAME = /^(?:\\?['’]s\b|,? (?:the|a|an) [a-z ]{0,30}(?:,|said|says)|,? (?:said|says|explained|listed|told|wrote|asked|replied|will|would|is|was|has|had|lives|lived|just|and (?:his|her)|(?:had )?given|(?:is|was) a)\b|\s*:\s*\\*["“]|\s+(?:concert|as a|points out|in an|employs)\b|!)/;

type Kind = 'first' | 'last' | 'shape' | 'title';

/** Below this mean log-odds the name model takes a word for a brand or a word, not a name ("Nautilytics", "Shopify"). */
const NOT_A_NAME = -0.75;

function kindOf(t: Token, g: Gazetteer, titled: boolean): Kind | undefined {
  if (t.stop || t.lower.length < 2 || !t.capital) return undefined;
  if (g.first.has(t.lower)) return 'first';
  if (g.last.has(t.lower)) return 'last';
  if (t.lower.length > 3 && SURNAME_SHAPE.test(t.lower)) return 'shape';
  return titled ? 'title' : undefined;
}

/** A listed name, an initial, or a word that is no common English word, no country and no acronym. */
function couldBeName(k: Token, g: Gazetteer): boolean {
  return k.text.length === 1 || g.first.has(k.lower) || g.last.has(k.lower) || (!g.countries.has(k.lower) && (k.uncased || k.text !== k.text.toUpperCase()) && !isCommon(k.lower, g));
}

/** An initial: "K." or a lone capital letter between two name words (not the pronoun "I"). */
const isInitial = (text: string, t: Token): boolean => t.text.length === 1 && ((/\p{Lu}/u.test(t.text) && t.text !== 'I') || text[t.end] === '.');

interface Run {
  readonly from: number;
  readonly to: number;
  readonly known: number;
  readonly firstIsFirstName: boolean;
}

/** Grows a run of name words from token i: capitalised words, initials and particles, up to four words. */
function growRun(text: string, tokens: readonly Token[], i: number, g: Gazetteer): Run {
  let j = i;
  let known = kindOf(tokens[i]!, g, false) ? 1 : 0;
  while (j + 1 < tokens.length && adjacent(text, tokens[j]!, tokens[j + 1]!) && j - i < 3) {
    const next = tokens[j + 1]!;
    // "NW1", "B2B": a word glued to digits is a code, not a name.
    if (ORG_WORDS.test(next.text) || /^\d/.test(text.slice(next.end, next.end + 1))) break;
    const k = kindOf(next, g, false);
    if (k) known++;
    else if (PARTICLES.has(next.lower)) {
      // One or more particles, then a capitalised word: "van der Berg".
      let k = j + 1;
      while (tokens[k + 1] && PARTICLES.has(tokens[k + 1]!.lower) && adjacent(text, tokens[k]!, tokens[k + 1]!)) k++;
      const name = tokens[k + 1];
      if (!name || !adjacent(text, tokens[k]!, name) || !name.capital || name.stop || k - j > 2) break;
      j = k;
      continue;
    } else if (!(isInitial(text, next) || (next.capital && !next.stop && next.lower.length > 1))) break;
    j++;
  }
  return { from: i, to: j, known, firstIsFirstName: g.first.has(tokens[i]!.lower) };
}

/**
 * Surname lists that name a firm: "Lopez, Santos and Coleman", "Craig, Palmer and Quinn". Surnames inside one are
 * not people (a first name still is). A list is found whole and then tested for its "and" ending: one pattern for
 * both, tried at every capital, rescanned the rest of every list (and of every all-capitals word) from each of its
 * words, quadratic in the list's length.
 */
const FIRM_WORD = { cased: "\\p{Lu}[\\p{L}'’-]+", caseless: "(?!and\\b)\\p{L}[\\p{L}'’-]+" };
const FIRM = Object.fromEntries(
  Object.entries(FIRM_WORD).map(([k, word]) => [k, { list: new RegExp(`(?<![\\p{L}'’-])${word}(?:, ${word})+`, 'gu'), ending: new RegExp(`,? (?:and|&) ${word}`, 'uy') }]),
) as Record<keyof typeof FIRM_WORD, { list: RegExp; ending: RegExp }>;

function firmSpans(text: string, caseless: boolean): [number, number][] {
  const { list, ending } = FIRM[caseless ? 'caseless' : 'cased'];
  const out: [number, number][] = [];
  for (const m of matches(text, list)) {
    ending.lastIndex = m.index + m[0].length;
    const end = ending.exec(text);
    if (end) out.push([m.index, end.index + end[0].length]);
  }
  return out;
}

interface Context {
  /** Words before the run that name a person. */
  readonly naming: boolean;
  /** Weaker words before, or words after the run that fit a person. */
  readonly near: boolean;
  readonly titled: boolean;
  /** Opens a line of dialogue: `Jordan: "Who are you?"`. */
  readonly speaker: boolean;
  /** Capitalised words that look like no place and no acronym. */
  readonly shaped: boolean;
  /** One word that could be a name, in a person's context. */
  readonly single: boolean;
  /** At the start of a sentence or line, where any word is capitalised. */
  readonly initial: boolean;
}

function score(run: Run, tokens: readonly Token[], c: Context, g: Gazetteer): number {
  const words = run.to - run.from + 1;
  const head = tokens[run.from]!;
  const any = c.naming || c.near || c.titled;
  if (words >= 2) {
    if (run.firstIsFirstName) return any ? 0.9 : 0.85;
    if (run.known >= 2) return any ? 0.85 : 0.7;
    if (run.known >= 1) return any ? 0.8 : 0.6;
    if (c.naming || c.titled) return 0.7;
    if (c.near) return 0.65;
    return c.shaped ? (c.initial ? 0.5 : 0.55) : 0;
  }
  const place = g.places.has(head.lower) || g.countries.has(head.lower);
  if (c.titled || c.speaker) return 0.75;
  if (run.firstIsFirstName && any) return 0.65;
  if (c.naming && head.lower.length > 2 && !place) return 0.55;
  if (run.firstIsFirstName && head.lower.length > 3 && !place) return 0.5;
  if (c.single) return 0.55;
  return 0;
}

export const personDetector: Detector = {
  type: 'PERSON',
  detect(text) {
    if (!/\p{L}/u.test(text)) return [];
    const g = gazetteer();
    const model = nameModel();
    const tokens = tokenize(text);
    const caseless = !/\p{Lu}/u.test(text);
    const firms = firmSpans(text, caseless);
    const out: Finding[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (!t.capital || t.stop) continue;
      if (firms.some(([a, b]) => t.start >= a && t.start < b) && (g.last.has(t.lower) || !g.first.has(t.lower))) continue;
      const lead = before(text, t.start, 48);
      const titled = TITLE.test(lead);
      // A speaker opening a line of dialogue: `Jordan: "Who are you?"`.
      const speaker = /(?:^|\n)[\s\\"“]*$/.test(lead) && /^\s*:\s*\\*["“]/.test(after(text, t.end));
      const naming = NAMING.test(lead) || speaker;
      const kind = kindOf(t, g, titled);
      const run = growRun(text, tokens, i, g);
      const last = tokens[run.to]!;
      // Cheap checks first: a run with no listed name, no naming context and a common word or an acronym in it is no
      // name, and needs none of the context patterns below.
      const words = tokens.slice(run.from, run.to + 1);
      if (!kind && !naming && !titled && run.known === 0 && !words.every((k) => couldBeName(k, g))) continue;
      // Context a person fits: "but Zhenya just has to", "I'm Oduya's daughter", "follow up with …".
      const nearBefore = NEAR_NAME.test(lead);
      const near = nearBefore || AFTER_NAME.test(after(text, last.end));
      // Many names are places somewhere too (Mary, Holloway, David): with a person's context only a country is a place.
      const place = (k: Token): boolean => g.countries.has(k.lower) || (g.places.has(k.lower) && !(naming || near || titled));
      // An unknown word that could be a name: no common English word, no place, not an acronym, name-like in form.
      const unknown = (k: Token): boolean => !place(k) && (k.uncased || k.text !== k.text.toUpperCase()) && !isCommon(k.lower, g) && nameScore(model, k.lower) > NOT_A_NAME;
      // Form alone: two or more capitalised words, each a listed name or an unknown word that could be one.
      // An unknown word may also open a name that a known word or a surname shape completes ("Stefanía K. Oddgeirsdóttir").
      // Words of a script without case are names only by context: in such a text, every word looks capitalised.
      const shaped =
        run.to > run.from &&
        !t.uncased &&
        words.every((k) => k.text.length === 1 || (!place(k) && (g.first.has(k.lower) || g.last.has(k.lower))) || unknown(k));
      const single = run.to === run.from && unknown(t) && (t.lower.length > 2 || t.uncased) && (near || naming);
      if (!kind && !naming && !shaped && !single && !(run.to > run.from && run.known >= 1)) continue;
      // Without capitals to go by, an unknown word needs a name to be asked for ("my name is …") or words a person
      // fits, and every word of the run must look like no common word.
      const runUnknown = words.every((k) => k.text.length === 1 || unknown(k) || g.first.has(k.lower) || g.last.has(k.lower));
      if (caseless && !kind && !speaker && !/name(?: is|:|\?)[\s:]*$|user:\s*$/.test(lead) && !((naming || nearBefore) && runUnknown)) continue;
      const next = tokens[run.to + 1];
      if (next && ORG_WORDS.test(next.text) && adjacent(text, last, next)) {
        i = run.to + 1;
        continue;
      }
      const initial = /(?:^|[.!?]\s+|\n\s*)$/.test(text.slice(Math.max(0, t.start - 4), t.start));
      const s = score(run, tokens, { naming, near, titled, speaker, shaped, single, initial }, g);
      if (s > 0) out.push({ type: 'PERSON', start: t.start, end: last.end, score: s });
      i = run.to;
    }
    return out;
  },
};
