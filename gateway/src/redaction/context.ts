/**
 * Context words: like Presidio's recognisers, a finding near words that name its kind gains confidence.
 */
const WINDOW = 48;

export function hasContext(text: string, start: number, end: number, words: RegExp): boolean {
  const before = text.slice(Math.max(0, start - WINDOW), start);
  const after = text.slice(end, end + 16);
  return words.test(before) || words.test(after);
}

export function* matches(text: string, pattern: RegExp): Generator<RegExpExecArray> {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}
