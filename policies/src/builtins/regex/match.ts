/**
 * Go's regexp match iteration over a JavaScript RegExp (global, u-mode): FindAll skips an empty match that abuts
 * the previous match, Split drops captures and a leading empty piece, ReplaceAll expands $name templates the way
 * Regexp.Expand does.
 */
export interface Found {
  readonly start: number;
  readonly end: number;
  readonly match: RegExpExecArray;
}

const widthAt = (s: string, i: number): number => (i < s.length && s.codePointAt(i)! > 0xffff ? 2 : 1);

/** Regexp.FindAllStringSubmatchIndex(s, n); n < 0 means all. */
export function findAll(re: RegExp, s: string, n = -1): Found[] {
  const out: Found[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    let accept = true;
    if (end === pos) {
      // An empty match right after the previous match does not count.
      if (start === prevEnd) accept = false;
      pos += widthAt(s, pos);
    } else pos = end;
    prevEnd = end;
    if (accept) out.push({ start, end, match: m });
  }
  return out;
}

/** Regexp.Split(s, -1). */
export function split(re: RegExp, s: string): string[] {
  if (re.source !== '(?:)' && s === '') return [''];
  const out: string[] = [];
  let begin = 0;
  let end = 0;
  for (const f of findAll(re, s)) {
    end = f.start;
    if (f.end !== 0) out.push(s.slice(begin, end));
    begin = f.end;
  }
  if (end !== s.length) out.push(s.slice(begin));
  return out;
}

/** Regexp.Expand: $1, ${1}, $name, ${name} (the longest name), $$ for a dollar; unknown groups are empty. */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, dollar: string, braced?: string, bare?: string) => {
    if (dollar === '$') return '$';
    const name = braced ?? bare;
    if (name === undefined) return whole;
    if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
    return m.groups?.[name] ?? '';
  });
}

/** Regexp.ReplaceAllString. */
export function replaceAll(re: RegExp, s: string, template: string): string {
  let out = '';
  let lastEnd = 0;
  let search = 0;
  while (search <= s.length) {
    re.lastIndex = search;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    out += s.slice(lastEnd, start);
    // No replacement for an empty match right after another match.
    if (end > lastEnd || start === 0) out += expand(template, m);
    lastEnd = end;
    const width = widthAt(s, search);
    search = search + width > end ? search + width : search + 1 > end ? search + 1 : end;
  }
  return out + s.slice(lastEnd);
}
