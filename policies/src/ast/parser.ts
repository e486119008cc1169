/**
 * Recursive descent, one method per production: module → package, imports, rules → head, body → literals →
 * expressions → terms. Accepts Rego v1 and, with `v0Compatible`, v0 rule forms (`p { … }`, `p[x] { … }`).
 */
import { annotationsByRow, toAnnotation } from './annotations.js';
import { RegoError } from './errors.js';
import type { Body, Expr, Import, Literal, Module, Rule, Term, With } from './nodes.js';
import { TermParser, type ParserOptions } from './term-parser.js';
import type { Location } from './tokens.js';

export { parseNumber, type ParserOptions } from './term-parser.js';

export class Parser extends TermParser {
  /** Experimental logical keywords, switched on per module by `import future.keywords.and` / `.or`. */
  #logic = { and: false, or: false };
  /** `not { … }` over a whole body, switched on by `import future.keywords.not`. */
  #notBody = false;

  parseModule(): Module {
    if (!this.is('package')) this.fail('package expected');
    const pkgRow = this.t.loc.row;
    const rows = [pkgRow];
    this.i++;
    const pkg = this.#parseDottedPath();
    const imports: Import[] = [];
    const rules: Rule[] = [];
    // OPA accepts an import anywhere in a module (only Regal's style rule flags one after rules); it applies to all.
    while (this.t.kind !== 'eof') {
      rows.push(this.t.loc.row);
      if (this.is('import') && this.peek().text !== '.' && this.peek().text !== '[') imports.push(this.#parseImport());
      else rules.push(...this.#parseRule(pkg));
    }
    if (!this.comments.length) return { file: this.file, pkg, imports, rules };
    const byRow = annotationsByRow(this.comments, rows);
    const annotations = (byRow.get(pkgRow) ?? []).map((b) => toAnnotation(b, 'package'));
    const annotated = rules.map((r) => {
      const mine = byRow.get(r.loc.row);
      return mine ? { ...r, annotations: mine.map((b) => toAnnotation(b, 'rule')) } : r;
    });
    return { file: this.file, pkg, imports, rules: annotated, annotations };
  }

  /** A query: literals separated by `;` or newlines. */
  parseQuery(): Body {
    const body: Literal[] = [];
    this.nested(true, () => {
      while (this.t.kind !== 'eof') {
        body.push(this.parseLiteral());
        this.accept(';');
      }
    });
    return body;
  }

  #parseImport(): Import {
    this.i++;
    const path = this.#parseDottedPath();
    const alias = this.accept('as') ? this.ident() : null;
    if (path.join('.') === 'future.keywords.and') this.#logic.and = true;
    if (path.join('.') === 'future.keywords.or') this.#logic.or = true;
    if (path.join('.') === 'future.keywords.not') this.#notBody = true;
    return { path, alias };
  }

  #parseDottedPath(): string[] {
    const path = [this.ident()];
    while (this.is('.') || this.is('[')) {
      if (this.accept('.')) path.push(this.ident());
      else {
        this.expect('[');
        const t = this.t;
        if (t.kind !== 'string') this.fail('expected string in path');
        path.push(t.value!);
        this.i++;
        this.expect(']');
      }
    }
    return path;
  }

  #parseRule(pkg: readonly string[]): Rule[] {
    const loc = this.t.loc;
    const isDefault = this.is('default') && this.peek().text !== '.' && this.peek().text !== '[' ? this.accept('default') : false;
    // The head reference: its ground prefix names the rule's node; what follows the first dynamic part is key/refRest.
    const names = [this.ident()];
    const dynamic: Term[] = [];
    let lastBracket: Term | null = null;
    for (;;) {
      if (this.is('.') && !this.t.nl && (this.peek().kind === 'ident' || this.peek().kind === 'keyword')) {
        this.i++;
        const at = this.t.loc;
        const name = this.ident();
        if (dynamic.length) dynamic.push(this.scalar(name, at));
        else names.push(name);
        lastBracket = null;
      } else if (this.is('[') && !this.t.nl) {
        this.i++;
        const key = this.nested(false, () => this.parseTermExpr());
        this.expect(']');
        if (!dynamic.length && key.type === 'scalar' && typeof key.value === 'string') names.push(key.value);
        else dynamic.push(key);
        lastBracket = key;
      } else break;
    }
    const path = [...pkg, ...names];
    const base = { path, isDefault, loc, file: this.file, elseRule: null };
    if (this.is('(') && !dynamic.length && this.peek().text === ')') {
      // `f()` declares no function: OPA parses it as the complete rule `f` (which a call `f()` may then read).
      this.i += 2;
    } else if (this.is('(') && !dynamic.length) {
      this.i++;
      const args = this.nested(false, () => this.parseList(')'));
      if (isDefault) {
        if (!this.accept(':=')) this.expect('=');
        return [{ ...base, kind: 'function', args, key: null, value: this.#headTerm(), body: [] }];
      }
      const value = this.accept(':=') || this.accept('=') ? this.#headTerm() : null;
      const rule: Rule = { ...base, kind: 'function', args, key: null, value: value ?? this.scalar(true, loc), body: this.#parseRuleBody() };
      return this.#chained(this.#parseElse(rule));
    }
    if (!isDefault && this.accept('contains')) {
      const member = this.#headTerm();
      if (!dynamic.length) return this.#chained({ ...base, kind: 'set', args: [], key: member, value: null, body: this.#parseRuleBody() });
      return this.#chained({ ...base, kind: 'object', args: [], key: dynamic[0]!, refRest: dynamic.slice(1), multi: true, value: member, body: this.#parseRuleBody() });
    }
    const assigned = this.accept(':=') || this.accept('=');
    if (isDefault && !assigned) this.expect(':=');
    // v0: `p[x] { … }` is a partial set whose member is x, and so is `p[x]` alone (OPA reads it as a body-less rule).
    if (!assigned && lastBracket && this.options.v0Compatible && !this.is('if') && dynamic.length <= 1) {
      const setPath = dynamic.length ? path : path.slice(0, -1);
      return this.#chained({ ...base, path: setPath, kind: 'set', args: [], key: lastBracket, value: null, body: this.#parseRuleBody() });
    }
    const value = assigned ? this.#headTerm() : this.scalar(true, loc);
    if (isDefault) return [{ ...base, kind: 'complete', args: [], key: null, value, body: [] }];
    if (dynamic.length) return this.#chained({ ...base, kind: 'object', args: [], key: dynamic[0]!, refRest: dynamic.slice(1), value, body: this.#parseRuleBody() });
    const rule: Rule = { ...base, kind: 'complete', args: [], key: null, value, body: this.#parseRuleBody() };
    return this.#chained(this.#parseElse(rule));
  }

  /**
   * `p { a } { b }`: each further body is one more rule with the same head (OPA's chained rule bodies), located at
   * its brace. Only a rule with a body may be chained, and not one with an else.
   */
  #chained(rule: Rule): Rule[] {
    const rules = [rule];
    if (!rule.body.length) return rules;
    while (this.is('{')) {
      if (rule.elseRule) this.fail('expected else keyword');
      const loc = this.t.loc;
      rules.push({ ...rule, loc, body: this.#parseBraceBody() });
    }
    return rules;
  }

  /** A rule head's value or member: a newline ends it, so the next rule may start with a keyword (`in.foo …`). */
  #headTerm(): Term {
    return this.nested(true, () => this.parseTermExpr());
  }

  #parseElse(rule: Rule): Rule {
    if (!this.is('else') || this.peek().text === '.') return rule;
    const loc = this.t.loc;
    this.i++;
    const value = this.accept(':=') || this.accept('=') ? this.#headTerm() : this.scalar(true, loc);
    const next = this.#parseElse({ ...rule, value, body: this.#parseRuleBody(), loc, elseRule: null });
    return { ...rule, elseRule: next };
  }

  #parseRuleBody(): Body {
    if (this.is('if') && this.peek().text !== '.') {
      this.i++;
      if (this.is('{')) {
        const body = this.#tryBraceBody();
        if (body && !body.length) this.fail('found empty body');
        if (body) return body;
      }
      return this.nested(true, () => [this.parseLiteral()]);
    }
    if (this.is('{') && !this.t.nl) {
      if (!this.options.v0Compatible) this.fail('`if` keyword is required before rule body');
      return this.#parseBraceBody();
    }
    return [];
  }

  #parseBraceBody(): Body {
    this.expect('{');
    const body: Literal[] = [];
    this.nested(true, () => {
      while (!this.is('}')) {
        if (this.t.kind === 'eof') this.fail('unexpected end of file in body');
        body.push(this.parseLiteral());
        this.accept(';');
      }
    });
    this.expect('}');
    if (!body.length) this.fail('found empty body');
    return body;
  }

  protected parseLiteral(): Literal {
    const loc = this.t.loc;
    let negated = false;
    let expr: Expr;
    // A keyword followed by `.` is a name (`some.rule`), not the keyword.
    const keyword = (w: string): boolean => this.is(w) && this.peek().text !== '.';
    if (keyword('some')) {
      this.i++;
      expr = this.#parseSome();
    } else if (keyword('every')) {
      this.i++;
      expr = this.#parseEvery();
    } else if (this.#logic.and || this.#logic.or) {
      return this.#parseLogicLiteral(loc);
    } else {
      negated = keyword('not') ? this.accept('not') : false;
      if (negated && this.#notBody && this.is('{')) {
        const body = this.#tryBraceBody();
        if (body) return { expr: { kind: 'group', body }, negated: true, with: this.#parseWiths(), loc };
      }
      const left = this.parsePairMembership();
      if (this.is(':=') && !this.endsHere()) {
        this.i++;
        expr = { kind: 'assign', left, right: this.parseTermExpr() };
      } else if (this.is('=') && !this.endsHere()) {
        this.i++;
        expr = { kind: 'unify', left, right: this.parseTermExpr() };
      } else expr = { kind: 'term', term: left };
    }
    return { expr, negated, with: this.#parseWiths(), loc };
  }

  /** `{ literals }` when what follows the brace is a body, else nothing (and the position is left unchanged). */
  #tryBraceBody(): Literal[] | undefined {
    const start = this.i;
    try {
      this.i++;
      const body = this.nested(true, () => {
        const out: Literal[] = [];
        while (!this.is('}')) {
          out.push(this.parseLiteral());
          this.accept(';');
        }
        return out;
      });
      this.expect('}');
      return body;
    } catch (error) {
      if (!(error instanceof RegoError)) throw error;
      this.i = start;
      return undefined;
    }
  }

  /** `with target as value`, repeated. A `with` may continue a literal on the next line: no literal starts with it. */
  #parseWiths(): With[] {
    const withs: With[] = [];
    while (this.is('with') && this.peek().text !== '.') {
      this.i++;
      const target = this.parseTerm();
      this.expect('as');
      withs.push({ target, value: this.parseTermExpr() });
    }
    return withs;
  }

  #word(w: 'and' | 'or'): boolean {
    return this.#logic[w] && this.t.kind === 'ident' && this.t.text === w && !this.endsHere();
  }

  /**
   * A body literal built from `and` / `or` (and binds tighter), operands being literals, `{ bodies }` or
   * `( groups )`. A combination is a test: each operand has its own scope and the whole succeeds at most once.
   */
  #parseLogicLiteral(loc: Location): Literal {
    const body = this.#parseLogicStatement();
    const only = body.length === 1 ? body[0]! : null;
    return only ?? { expr: { kind: 'group', body }, negated: false, with: [], loc };
  }

  /** `a and b or c with …`: the modifiers apply to the whole statement. */
  #parseLogicStatement(): Literal[] {
    const loc = this.t.loc;
    const body = this.#parseLogicOr();
    const withs = this.#parseWiths();
    if (!withs.length) return body;
    if (body.length === 1 && !body[0]!.with.length) return [{ ...body[0]!, with: withs }];
    return [{ expr: { kind: 'group', body }, negated: false, with: withs, loc }];
  }

  #parseLogicOr(): Literal[] {
    const loc = this.t.loc;
    const branches = [this.#parseLogicAnd()];
    while (this.#word('or')) {
      this.i++;
      branches.push(this.#parseLogicAnd());
    }
    return branches.length === 1 ? branches[0]! : [{ expr: { kind: 'or', branches }, negated: false, with: [], loc }];
  }

  #parseLogicAnd(): Literal[] {
    const first = this.#parseLogicOperand();
    if (!this.#word('and')) return [first];
    const parts = [first];
    while (this.#word('and')) {
      this.i++;
      parts.push(this.#parseLogicOperand());
    }
    return [{ expr: { kind: 'group', body: parts }, negated: false, with: [], loc: first.loc }];
  }

  #parseLogicOperand(): Literal {
    const loc = this.t.loc;
    const keyword = (w: string): boolean => this.is(w) && this.peek().text !== '.';
    if (keyword('not')) {
      this.i++;
      return { expr: { kind: 'group', body: [this.#parseLogicOperand()] }, negated: true, with: [], loc };
    }
    if (keyword('some')) {
      this.i++;
      return { expr: this.#parseSome(), negated: false, with: [], loc };
    }
    if (keyword('every')) {
      this.i++;
      return { expr: this.#parseEvery(), negated: false, with: [], loc };
    }
    const start = this.i;
    if (this.is('{') || this.is('(')) {
      // `{ literals }` or `( a or b )` — else a set/object/parenthesised term: try the group, fall back to the term.
      const close = this.is('{') ? '}' : ')';
      try {
        this.i++;
        const body = this.nested(true, () => {
          const out: Literal[] = [];
          while (!this.is(close)) {
            out.push(...this.#parseLogicStatement());
            this.accept(';');
          }
          return out;
        });
        this.expect(close);
        if (this.#word('and') || this.#word('or') || this.is(')') || this.is('}') || this.is(';') || this.is('with') || this.t.nl || this.t.kind === 'eof' || close === ')') {
          return { expr: { kind: 'group', body }, negated: false, with: [], loc };
        }
      } catch (error) {
        if (!(error instanceof RegoError)) throw error;
      }
      this.i = start;
    }
    const left = this.parsePairMembership();
    if (this.is(':=') && !this.endsHere()) {
      this.i++;
      return { expr: { kind: 'assign', left, right: this.parseTermExpr() }, negated: false, with: [], loc };
    }
    if (this.is('=') && !this.endsHere()) {
      this.i++;
      return { expr: { kind: 'unify', left, right: this.parseTermExpr() }, negated: false, with: [], loc };
    }
    return { expr: { kind: 'term', term: left }, negated: false, with: [], loc };
  }

  #parseSome(): Expr {
    const first = this.parseOr();
    if (this.accept(',')) {
      const second = this.parseOr();
      if (this.accept('in')) return { kind: 'somein', key: first, value: second, coll: this.parseOr() };
      const vars = [first, second];
      while (this.accept(',')) vars.push(this.parseOr());
      return { kind: 'some', vars: vars.map((v) => this.#varName(v)) };
    }
    if (this.accept('in')) return { kind: 'somein', key: null, value: first, coll: this.parseOr() };
    return { kind: 'some', vars: [this.#varName(first)] };
  }

  #parseEvery(): Expr {
    const first = this.parseOr();
    let key: Term | null = null;
    let value = first;
    if (this.accept(',')) {
      key = first;
      value = this.parseOr();
    }
    this.expect('in');
    const coll = this.parseOr();
    return { kind: 'every', key, value, coll, body: this.#parseBraceBody() };
  }

  #varName(t: Term): string {
    if (t.type !== 'var') this.fail('expected variable', t.loc);
    return t.name;
  }

  /** One `{…}` of a template: a term, possibly under `with` modifiers. */
  protected templateExpression(source: string, loc: Location): Term {
    const inner = new Parser(source, this.file, this.options);
    return inner.nested(false, () => {
      const term = inner.parseTermExpr();
      const withs = inner.#parseWiths();
      if (inner.t.kind !== 'eof') inner.fail(`unexpected ${inner.t.text} in template expression`);
      return withs.length ? { type: 'with', term, with: withs, loc } : term;
    });
  }
}

export function parseModule(source: string, file: string, options: ParserOptions = {}): Module {
  return new Parser(source, file, options).parseModule();
}

export function parseQuery(source: string, options: ParserOptions = {}): Body {
  return new Parser(source, 'query', options).parseQuery();
}
