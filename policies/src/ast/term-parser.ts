/**
 * The term half of the parser: a token cursor, and terms from scalars and collections up through the operator
 * precedence levels (`|`, `&`, comparisons, `+ -`, `* / %`, unary minus), references, calls and templates.
 * Comprehension bodies and template expressions come from the statement half (`parser.ts`).
 */
import { RegoError } from './errors.js';
import { expressionEnd, lex, type Comment } from './lexer.js';
import type { Body, Literal, Term } from './nodes.js';
import type { Location, Token } from './tokens.js';
import { normalizeInt } from '../values.js';

export interface ParserOptions {
  readonly v0Compatible?: boolean;
}

const CMP: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
const ARITH: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };

export function parseNumber(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) return normalizeInt(BigInt(text));
  return Number(text);
}

export abstract class TermParser {
  protected readonly toks: Token[];
  protected i = 0;
  /** Whether a newline ends the expression being parsed (true at body level, false inside brackets). */
  protected nlEnds: boolean[] = [false];
  protected readonly comments: Comment[] = [];

  constructor(
    source: string,
    protected readonly file: string,
    protected readonly options: ParserOptions = {},
  ) {
    this.toks = lex(source, file, this.comments);
  }

  /** One body literal (comprehension bodies are bodies). */
  protected abstract parseLiteral(): Literal;
  /** The `{…}` of a template: a term, possibly under `with` modifiers. */
  protected abstract templateExpression(source: string, loc: Location): Term;

  protected get t(): Token {
    return this.toks[this.i]!;
  }
  protected peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  protected is(text: string): boolean {
    const t = this.t;
    return (t.kind === 'op' || t.kind === 'keyword') && t.text === text;
  }
  protected fail(msg: string, loc: Location = this.t.loc): never {
    throw new RegoError('rego_parse_error', msg, loc);
  }
  protected expect(text: string): Token {
    if (!this.is(text)) this.fail(`expected ${text}, found ${this.t.text || 'end of file'}`);
    return this.toks[this.i++]!;
  }
  protected accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.i++;
    return true;
  }
  protected endsHere(): boolean {
    return this.nlEnds[this.nlEnds.length - 1]! && this.t.nl;
  }
  protected nested<T>(nlEnds: boolean, f: () => T): T {
    this.nlEnds.push(nlEnds);
    try {
      return f();
    } finally {
      this.nlEnds.pop();
    }
  }

  /** Names in package paths, imports and rule heads may be keywords (`data.foo.not`). */
  protected ident(): string {
    const t = this.t;
    if (t.kind !== 'ident' && t.kind !== 'keyword') this.fail(`unexpected ${t.kind === 'eof' ? 'eof' : t.text} token: expected ident`);
    this.i++;
    return t.text;
  }

  /** A full term expression, membership (`x in xs`, `k, v in xs` is only in some/every) included. */
  protected parseTermExpr(): Term {
    let left = this.parseOr();
    while (this.is('in') && !this.endsHere()) {
      const loc = this.t.loc;
      this.i++;
      left = { type: 'membership', key: null, value: left, coll: this.parseOr(), loc };
    }
    return left;
  }

  /** `k, v in coll` where a whole expression stands (a body literal, parentheses): membership of a key-value pair. */
  protected parsePairMembership(): Term {
    const first = this.parseTermExpr();
    if (!this.is(',') || this.endsHere()) return first;
    const loc = this.t.loc;
    this.i++;
    const value = this.parseOr();
    this.expect('in');
    let term: Term = { type: 'membership', key: first, value, coll: this.parseOr(), loc };
    while (this.is('in') && !this.endsHere()) {
      const at = this.t.loc;
      this.i++;
      term = { type: 'membership', key: null, value: term, coll: this.parseOr(), loc: at };
    }
    return term;
  }

  #binary(next: () => Term, ops: Record<string, string>): Term {
    let left = next();
    while (this.t.kind === 'op' && this.t.text in ops && !this.endsHere()) {
      const loc = this.t.loc;
      const name = ops[this.t.text]!;
      this.i++;
      left = { type: 'call', name, args: [left, next()], loc };
    }
    return left;
  }

  protected parseOr(): Term {
    return this.#binary(() => this.#parseAnd(), { '|': 'or' });
  }
  #parseAnd(): Term {
    return this.#binary(() => this.#parseCompare(), { '&': 'and' });
  }
  #parseCompare(): Term {
    return this.#binary(() => this.#parseArith(), CMP);
  }
  #parseArith(): Term {
    return this.#binary(() => this.#parseFactor(), ARITH);
  }
  #parseFactor(): Term {
    return this.#binary(() => this.#parseUnary(), FACTOR);
  }
  #parseUnary(): Term {
    if (this.is('-')) {
      const loc = this.t.loc;
      this.i++;
      const t = this.parseTerm();
      if (t.type === 'scalar' && (typeof t.value === 'number' || typeof t.value === 'bigint')) {
        return { type: 'scalar', value: typeof t.value === 'bigint' ? normalizeInt(-t.value) : -t.value, loc };
      }
      return { type: 'call', name: 'minus', args: [{ type: 'scalar', value: 0, loc }, t], loc };
    }
    return this.parseTerm();
  }

  protected scalar(value: boolean | null | string | number | bigint, loc: Location): Term {
    return { type: 'scalar', value, loc };
  }

  protected parseList(close: string): Term[] {
    const items: Term[] = [];
    while (!this.is(close)) {
      items.push(this.parseTermExpr());
      if (!this.accept(',')) break;
    }
    this.expect(close);
    return items;
  }

  #parseCompBody(close: string): Body {
    const body: Literal[] = [];
    this.nested(true, () => {
      while (!this.is(close)) {
        if (this.t.kind === 'eof') this.fail('unexpected end of file in comprehension');
        body.push(this.parseLiteral());
        this.accept(';');
      }
    });
    this.expect(close);
    return body;
  }

  protected parseTerm(): Term {
    const t = this.t;
    const loc = t.loc;
    let term: Term;
    switch (t.kind) {
      case 'number':
        this.i++;
        term = this.scalar(parseNumber(t.text), loc);
        break;
      case 'string':
      case 'rawstring':
        this.i++;
        term = this.scalar(t.value!, loc);
        break;
      case 'template':
        this.i++;
        term = this.#parseTemplate(t);
        break;
      case 'keyword':
        if (['true', 'false', 'null'].includes(t.text) && this.peek().text === '.' && this.peek().loc.col === t.loc.col + t.text.length) {
          // `true.foo` names a rule or package segment.
          this.i++;
          term = { type: 'var', name: t.text, loc };
        } else if (t.text === 'true' || t.text === 'false') {
          this.i++;
          term = this.scalar(t.text === 'true', loc);
        } else if (t.text === 'null') {
          this.i++;
          term = this.scalar(null, loc);
        } else if (this.peek().text === '(' || this.peek().text === '.') {
          // A keyword used as a name: contains(), or a rule or package segment such as `as.foo`.
          this.i++;
          term = { type: 'var', name: t.text, loc };
        } else this.fail(`unexpected ${t.text} keyword`);
        break;
      case 'ident':
        this.i++;
        term = { type: 'var', name: t.text, loc };
        break;
      case 'op':
        term = this.#parseCollection();
        break;
      default:
        this.fail(`unexpected ${t.text || 'end of file'}`);
    }
    return this.#parsePostfix(term);
  }

  #parseCollection(): Term {
    const loc = this.t.loc;
    if (this.accept('(')) {
      const inner = this.nested(false, () => this.parsePairMembership());
      this.expect(')');
      return inner;
    }
    if (this.accept('[')) {
      return this.nested(false, () => {
        if (this.accept(']')) return { type: 'array', items: [], loc } as Term;
        const first = this.#parseAndLevel();
        if (this.accept('|')) return { type: 'arraycomp', term: first, body: this.#parseCompBody(']'), loc } as Term;
        const items = [first];
        if (this.accept(',')) items.push(...this.parseList(']'));
        else this.expect(']');
        return { type: 'array', items, loc } as Term;
      });
    }
    if (this.accept('{')) {
      return this.nested(false, () => {
        if (this.accept('}')) return { type: 'object', items: [], loc } as Term;
        const first = this.#parseAndLevel();
        if (this.accept(':')) {
          const value = this.#parseAndLevel();
          if (this.accept('|')) return { type: 'objectcomp', key: first, value, body: this.#parseCompBody('}'), loc } as Term;
          const items: [Term, Term][] = [[first, value]];
          while (this.accept(',')) {
            if (this.is('}')) break;
            const k = this.parseTermExpr();
            this.expect(':');
            items.push([k, this.parseTermExpr()]);
          }
          this.expect('}');
          return { type: 'object', items, loc } as Term;
        }
        if (this.accept('|')) return { type: 'setcomp', term: first, body: this.#parseCompBody('}'), loc } as Term;
        const items = [first];
        if (this.accept(',')) items.push(...this.parseList('}'));
        else this.expect('}');
        return { type: 'set', items, loc } as Term;
      });
    }
    this.fail(`unexpected ${this.t.text}`);
  }

  /** An element of a collection: up to `&` level, so that `|` can start a comprehension body; `in` included. */
  #parseAndLevel(): Term {
    const left = this.#parseAnd();
    if (this.is('in')) {
      const loc = this.t.loc;
      this.i++;
      return { type: 'membership', key: null, value: left, coll: this.#parseAnd(), loc };
    }
    return left;
  }

  #parsePostfix(term: Term): Term {
    const path: Term[] = [];
    let head = term;
    for (;;) {
      const t = this.t;
      if (t.nl && this.nlEnds[this.nlEnds.length - 1]) break;
      if (this.is('.') && this.peek().kind !== 'eof') {
        this.i++;
        const name = this.t;
        if (name.kind !== 'ident' && name.kind !== 'keyword') this.fail('expected field name after .');
        this.i++;
        path.push(this.scalar(name.text, name.loc));
      } else if (this.is('[') && !t.nl) {
        this.i++;
        path.push(this.nested(false, () => this.parseTermExpr()));
        this.expect(']');
      } else if (this.is('(') && !t.nl && (head.type === 'var' || head.type === 'ref') && path.every((p) => p.type === 'scalar' && typeof p.value === 'string')) {
        const name = [head.type === 'var' ? head.name : '', ...path.map((p) => (p as { value: string }).value)].join('.');
        this.i++;
        const args = this.nested(false, () => this.parseList(')'));
        head = name === 'set' && !args.length ? { type: 'set', items: [], loc: term.loc } : { type: 'call', name, args, loc: term.loc };
        path.length = 0;
      } else break;
    }
    return path.length ? { type: 'ref', head, path, loc: term.loc } : head;
  }

  /** `$"…{expr}…"`: literal text (JSON escapes, `\{` for a brace) and embedded expressions, parsed in place. */
  #parseTemplate(t: Token): Term {
    const raw = t.value!;
    if (t.text.startsWith('$`')) return { type: 'template', parts: this.#templateParts(raw, false, t), loc: t.loc };
    return { type: 'template', parts: this.#templateParts(raw, true, t), loc: t.loc };
  }

  #templateParts(raw: string, escapes: boolean, t: Token): (string | Term)[] {
    const parts: (string | Term)[] = [];
    let text = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === '\\' && (escapes || raw[i + 1] === '{')) {
        const e = raw[i + 1] ?? '';
        if (e === '{' || e === '}') text += e;
        else if (e === 'u') {
          text += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
          i += 4;
        } else text += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' } as Record<string, string>)[e] ?? e;
        i++;
        continue;
      }
      if (c === '{') {
        const close = expressionEnd(raw, i + 1);
        if (close < 0) this.fail('unterminated template expression', t.loc);
        if (text) parts.push(text);
        text = '';
        parts.push(this.templateExpression(raw.slice(i + 1, close), t.loc));
        i = close;
        continue;
      }
      text += c;
    }
    if (text) parts.push(text);
    return parts;
  }

}
