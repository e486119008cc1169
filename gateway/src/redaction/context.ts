/**
 * Context words: like Presidio's recognisers, a finding near words that name its kind gains confidence.
 */
const WINDOW = 48;

export function hasContext(text: string, start: number, end: number, words: RegExp): boolean {
  const before = text.slice(Math.max(0, start - WINDOW), start);
  const after = text.slice(end, end + 16);
  return words.test(before) || words.test(after);
}

const GLOBAL = new WeakMap<RegExp, RegExp>();

/**
 * Every match of a pattern. Detection is synchronous, so one global copy of each pattern is reused (its lastIndex
 * reset) instead of compiling a new RegExp per call.
 */
export function matches(text: string, pattern: RegExp): RegExpExecArray[] {
  let re = GLOBAL.get(pattern);
  if (!re) GLOBAL.set(pattern, (re = pattern.flags.includes('g') ? pattern : new RegExp(pattern.source, pattern.flags + 'g')));
  re.lastIndex = 0;
  const out: RegExpExecArray[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

/**
 * Every match of a pattern that cannot cross a line break, sought only in the lines that hold `needed` (a character
 * every match contains): the same matches as `matches`, without trying the pattern at every word of the lines that
 * cannot hold one.
 */
export function matchesInLines(text: string, pattern: RegExp, needed: RegExp): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end);
    if (needed.test(line)) {
      for (const m of matches(line, pattern)) {
        m.index += start;
        out.push(m);
      }
    }
    start = end + 1;
  }
  return out;
}
