/**
 * gqlparser's error values and their text, and OPA's rewriting of that text into
 * `<message> in GraphQL string at location L:C`.
 */
import type { Position } from './ast.js';

export class GqlError extends Error {
  constructor(
    message: string,
    readonly position?: Position,
  ) {
    super(message);
    this.name = 'GqlError';
  }

  /** gqlerror.Error.Error(): the source is unnamed, so gqlparser calls it `input`. */
  text(): string {
    const loc = this.position ? `:${this.position.line}:${this.position.column}` : '';
    return `input${loc}: ${this.message}`;
  }
}

/** gqlerror.List.Error(): every error on its own line, each line ended. */
export function listText(errors: readonly GqlError[]): string {
  return errors.map((e) => e.text() + '\n').join('');
}

/**
 * OPA's formatGqlParserError: split on the first three colons; when the second and third parts are a row and a
 * column, report the rest (one trailing ".\n" removed) at that location, else wrap the whole text.
 */
export function opaMessage(text: string): string {
  const parts = splitN(text, ':', 4);
  if (parts.length >= 4) {
    const row = parts[1]!;
    const col = parts[2]!;
    if (/^\d+$/.test(row) && /^\d+$/.test(col)) {
      let msg = parts[3]!.replace(/^ +/, '');
      if (msg.endsWith('.\n')) msg = msg.slice(0, -2);
      return `${msg} in GraphQL string at location ${Number(row)}:${Number(col)}`;
    }
  }
  return `GraphQL parse error: ${text}`;
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}
