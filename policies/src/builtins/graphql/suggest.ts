/** gqlparser's "Did you mean …?" suggestions: candidates within a lexical distance, best first. */

/** gqlparser's lexical distance: a change of case alone is one edit, otherwise the Levenshtein distance. */
function lexicalDistance(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la === lb) return 1;
  const d: number[][] = Array.from({ length: la.length + 1 }, (_, i) => Array.from({ length: lb.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= la.length; i++) {
    for (let j = 1; j <= lb.length; j++) {
      const cost = la[i - 1] === lb[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
    }
  }
  return d[la.length]![lb.length]!;
}

export function suggestionList(input: string, options: readonly string[]): string[] {
  const threshold = Math.max(1, Math.floor(input.length * 0.4) + 1);
  const scored = options.map((o) => [o, lexicalDistance(input, o)] as const).filter(([, d]) => d <= threshold);
  return scored.sort((x, y) => x[1] - y[1]).map(([o]) => o);
}

function orList(items: readonly string[]): string {
  const list = items.slice(0, 5);
  if (list.length === 2) return `${list[0]} or ${list[1]}`;
  return list.map((x, i) => (i === 0 ? x : i === list.length - 1 ? `, or ${x}` : `, ${x}`)).join('');
}

export const quotedOrList = (items: readonly string[]) => orList(items.map((x) => `"${x}"`));

export function suggest(prefix: string, typed: string, options: readonly string[], quoted = true): string {
  const list = suggestionList(typed, options);
  return list.length ? ` ${prefix} ${quoted ? quotedOrList(list) : orList(list)}?` : '';
}
