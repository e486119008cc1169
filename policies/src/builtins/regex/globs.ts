/**
 * regex.globs_match: whether two regexp-style globs share a non-empty match, decided the way OPA's library
 * (yashtewari/glob-intersection) decides it, errors included. Globs know `.`, `[...]` sets with ranges, the `+` and
 * `*` flags and `\` escapes; every glob is anchored at both ends.
 */
import { BuiltinError } from '../errors.js';

type Flag = 'none' | 'plus' | 'star';
type Token = { kind: 'char'; rune: string; flag: Flag } | { kind: 'dot'; flag: Flag } | { kind: 'set'; runes: Set<string>; flag: Flag };

const invalid = (input: string[], pos: number, message: string) => new BuiltinError(`input:${input.join('')}, pos:${pos}, ${message}: the input provided is invalid`);

/** The rune at i, whether it was escaped, and the index after it; undefined at the end. */
function nextRune(input: string[], i: number): { r: string; escaped: boolean; next: number } | undefined {
  if (i >= input.length) return undefined;
  if (input[i] === '\\') {
    if (i === input.length - 1) throw invalid(input, i, 'input ends with a \\ (escape) character');
    return { r: input[i + 1]!, escaped: true, next: i + 2 };
  }
  return { r: input[i]!, escaped: false, next: i + 1 };
}

function readSet(input: string[], start: number): { runes: Set<string>; next: number } {
  const runes = new Set<string>();
  let prev: string | undefined;
  let i = start;
  for (let c = nextRune(input, i); c; c = nextRune(input, i)) {
    i = c.next;
    if (c.escaped) {
      runes.add(c.r);
      prev = c.r;
      continue;
    }
    if (c.r === ']') return { runes, next: i };
    if (c.r === '-') {
      if (prev === undefined) throw invalid(input, i, "range character '-' must be preceded by a Unicode character");
      if (i >= input.length - 1) throw invalid(input, i, "range character '-' must be followed by a Unicode character");
      const hi = nextRune(input, i)!;
      i = hi.next;
      if (!hi.escaped && (hi.r === ']' || hi.r === '-')) throw invalid(input, i, "range character '-' cannot be followed by a special symbol");
      const [lo, top] = [prev.codePointAt(0)!, hi.r.codePointAt(0)!];
      if (top < lo) throw invalid(input, i, `range is out of order: '${hi.r}' comes before '${prev}' in Unicode`);
      for (let x = lo; x <= top; x++) runes.add(String.fromCodePoint(x));
      prev = undefined;
      continue;
    }
    runes.add(c.r);
    prev = c.r;
  }
  throw invalid(input, i, 'found [ without matching ]');
}

function tokenize(text: string): Token[] {
  const input = [...text];
  const tokens: Token[] = [];
  let i = 0;
  for (let c = nextRune(input, i); c; c = nextRune(input, i)) {
    i = c.next;
    let token: Token;
    if (!c.escaped && c.r === '.') token = { kind: 'dot', flag: 'none' };
    else if (!c.escaped && c.r === ']') throw invalid(input, i, "set-close ']' with no preceding '['");
    else if (!c.escaped && c.r === '[') {
      const set = readSet(input, i);
      i = set.next;
      token = { kind: 'set', runes: set.runes, flag: 'none' };
    } else if (!c.escaped && (c.r === '+' || c.r === '*')) throw invalid(input, i, `flag '${c.r}' must be preceded by a non-flag`);
    else token = { kind: 'char', rune: c.r, flag: 'none' };
    const f = nextRune(input, i);
    if (f && !f.escaped && (f.r === '+' || f.r === '*')) {
      token.flag = f.r === '+' ? 'plus' : 'star';
      i = f.next;
    }
    tokens.push(token);
  }
  return tokens;
}

function sameToken(a: Token, b: Token): boolean {
  if (a.kind === 'char' && b.kind === 'char') return a.rune === b.rune;
  if (a.kind === 'set' && b.kind === 'set') return a.runes.size === b.runes.size && [...a.runes].every((r) => b.runes.has(r));
  return a.kind === 'dot' && b.kind === 'dot';
}

/** Adjacent flagged copies of one token merge (t*t+ is t+). */
function simplify(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (last && t.flag !== 'none' && last.flag !== 'none' && sameToken(t, last)) last.flag = t.flag === 'plus' || last.flag === 'plus' ? 'plus' : 'star';
    else out.push({ ...t });
  }
  return out;
}

/** Single-token overlap, flags ignored. */
function overlaps(a: Token, b: Token): boolean {
  if (a.kind === 'dot' || b.kind === 'dot') return true;
  if (a.kind === 'char' && b.kind === 'char') return a.rune === b.rune;
  if (a.kind === 'char') return (b as { runes: Set<string> }).runes.has(a.rune);
  if (b.kind === 'char') return a.runes.has(b.rune);
  return [...a.runes].some((r) => b.runes.has(r));
}

function intersectNormal(g1: Token[], g2: Token[]): boolean {
  let i = 0;
  for (; i < g1.length && i < g2.length; i++) {
    if (g1[i]!.flag !== 'none' || g2[i]!.flag !== 'none') return intersectSpecial(g1.slice(i), g2.slice(i));
    if (!overlaps(g1[i]!, g2[i]!)) return false;
  }
  return i === g1.length && i === g2.length;
}

function intersectSpecial(g1: Token[], g2: Token[]): boolean {
  const [flagged, other] = g1[0]!.flag !== 'none' ? [g1, g2] : [g2, g1];
  if (flagged[0]!.flag === 'plus') {
    if (other.length === 0 || !overlaps(flagged[0]!, other[0]!)) return false;
    return intersectStar(flagged, other.slice(1));
  }
  return intersectStar(flagged, other);
}

/** The library's greedy walk: gobble tokens of `other` with the starred token until the rest lines up. */
function intersectStar(starred: Token[], other: Token[]): boolean {
  const star = starred[0]!;
  const next = starred[1];
  for (let i = 0; i < other.length; i++) {
    const t = other[i]!;
    if (next && overlaps(t, next)) {
      if (intersectNormal(starred.slice(1), other.slice(i))) return true;
      if (!overlaps(t, star)) return false;
    } else if (!overlaps(t, star)) return false;
  }
  return next === undefined;
}

export function globsIntersect(lhs: string, rhs: string): boolean {
  let g1 = simplify(tokenize(lhs));
  let g2 = simplify(tokenize(rhs));
  // Unflagged tokens at both ends must agree pairwise; they are then trimmed.
  let l = 0;
  for (; l < g1.length && l < g2.length && g1[l]!.flag === 'none' && g2[l]!.flag === 'none'; l++) if (!overlaps(g1[l]!, g2[l]!)) return false;
  let r1 = g1.length - 1;
  let r2 = g2.length - 1;
  for (; r1 >= l && r2 >= l && g1[r1]!.flag === 'none' && g2[r2]!.flag === 'none'; r1--, r2--) if (!overlaps(g1[r1]!, g2[r2]!)) return false;
  g1 = g1.slice(l, r1 + 1);
  g2 = g2.slice(l, r2 + 1);
  return intersectNormal(g1, g2);
}
