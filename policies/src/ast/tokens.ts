/** The closed set of Rego tokens. */
export const KEYWORDS = new Set(['package', 'import', 'default', 'not', 'with', 'as', 'some', 'every', 'in', 'if', 'contains', 'else', 'true', 'false', 'null']);

export type TokenKind = 'ident' | 'keyword' | 'string' | 'rawstring' | 'template' | 'number' | 'op' | 'eof';

export interface Location {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** String literals: the decoded value. Templates: the raw inside. */
  readonly value?: string;
  readonly loc: Location;
  /** A newline separates this token from the previous one (statement boundary in bodies). */
  readonly nl: boolean;
}

/** Longest first, so `:=` wins over `:`. */
export const OPERATORS = [':=', '==', '!=', '<=', '>=', '<', '>', '=', '+', '-', '*', '/', '%', '&', '|', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':'];
