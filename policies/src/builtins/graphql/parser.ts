/**
 * gqlparser's recursive-descent parser: the shared token machinery and executable documents (queries). The first
 * error stops the parse; later calls become no-ops that return the previous token, exactly as gqlparser does, so
 * error messages and locations match.
 */
import type {
  Argument,
  ChildValue,
  Directive,
  Field,
  FragmentDefinition,
  GqlValue,
  OperationDefinition,
  Position,
  QueryDocument,
  Selection,
  TypeRef,
  VariableDefinition,
} from './ast.js';
import { ValueKind } from './ast.js';
import { GqlError } from './errors.js';
import { Lexer, Tok, kindText, tokenText, type Lexed, type Token, type TokKind } from './lexer.js';

export class Parser {
  err: GqlError | undefined;
  private peeked: Lexed | undefined;
  prev: Token = { kind: Tok.Invalid, value: '', line: 0, column: 0 };
  private readonly lexer: Lexer;

  constructor(input: string) {
    this.lexer = new Lexer(input);
  }

  peek(): Token {
    if (this.err) return this.prev;
    this.peeked ??= this.lexer.read();
    return this.peeked.token;
  }

  peekPos(): Position | undefined {
    if (this.err) return undefined;
    const t = this.peek();
    return { line: t.line, column: t.column };
  }

  next(): Token {
    if (this.err) return this.prev;
    const lexed = this.peeked ?? this.lexer.read();
    this.peeked = undefined;
    this.prev = lexed.token;
    this.err = lexed.error;
    return this.prev;
  }

  error(tok: Token, message: string): void {
    if (this.err) return;
    this.err = new GqlError(message, { line: tok.line, column: tok.column });
  }

  expectKeyword(value: string): Token {
    const tok = this.peek();
    if (tok.kind === Tok.Name && tok.value === value) return this.next();
    this.error(tok, `Expected ${JSON.stringify(value)}, found ${tokenText(tok)}`);
    return tok;
  }

  expect(kind: TokKind): Token {
    const tok = this.peek();
    if (tok.kind === kind) return this.next();
    this.error(tok, `Expected ${kindText(kind)}, found ${kindText(tok.kind)}`);
    return tok;
  }

  skip(kind: TokKind): boolean {
    if (this.err) return false;
    if (this.peek().kind !== kind) return false;
    this.next();
    return true;
  }

  unexpected(tok: Token = this.peek()): void {
    this.error(tok, `Unexpected ${tokenText(tok)}`);
  }

  /** Zero or more items between delimiters. */
  many(start: TokKind, end: TokKind, item: () => void): void {
    if (!this.skip(start)) return;
    while (this.peek().kind !== end && !this.err) item();
    this.next();
  }

  /** One or more items between delimiters. */
  some(start: TokKind, end: TokKind, item: () => void): void {
    if (!this.skip(start)) return;
    let called = false;
    while (this.peek().kind !== end && !this.err) {
      called = true;
      item();
    }
    if (!called) {
      this.error(this.peek(), `expected at least one definition, found ${kindText(this.peek().kind)}`);
      return;
    }
    this.next();
  }

  parseName(): string {
    return this.expect(Tok.Name).value;
  }

  parseOperationType(): string {
    const tok = this.next();
    if (tok.value === 'query' || tok.value === 'mutation' || tok.value === 'subscription') return tok.value;
    this.unexpected(tok);
    return '';
  }

  parseVariable(): string {
    this.expect(Tok.Dollar);
    return this.parseName();
  }

  parseValueLiteral(isConst: boolean): GqlValue | undefined {
    const token = this.peek();
    const position = { line: token.line, column: token.column };
    let kind: number;
    switch (token.kind) {
      case Tok.BracketL:
        return this.parseCompound(isConst, Tok.BracketL, Tok.BracketR, ValueKind.List);
      case Tok.BraceL:
        return this.parseCompound(isConst, Tok.BraceL, Tok.BraceR, ValueKind.Object);
      case Tok.Dollar:
        if (isConst) {
          this.unexpected();
          return undefined;
        }
        return { raw: this.parseVariable(), children: [], kind: ValueKind.Variable, position, expectedTypeHasDefault: false };
      case Tok.Int:
        kind = ValueKind.Int;
        break;
      case Tok.Float:
        kind = ValueKind.Float;
        break;
      case Tok.String:
        kind = ValueKind.String;
        break;
      case Tok.BlockString:
        kind = ValueKind.Block;
        break;
      case Tok.Name:
        kind = token.value === 'true' || token.value === 'false' ? ValueKind.Boolean : token.value === 'null' ? ValueKind.Null : ValueKind.Enum;
        break;
      default:
        this.unexpected();
        return undefined;
    }
    this.next();
    return { raw: token.value, children: [], kind, position, expectedTypeHasDefault: false };
  }

  private parseCompound(isConst: boolean, open: TokKind, close: TokKind, kind: number): GqlValue {
    const position = this.peekPos();
    const children: ChildValue[] = [];
    this.many(open, close, () => {
      if (kind === ValueKind.List) {
        children.push({ name: '', value: this.parseValueLiteral(isConst) });
        return;
      }
      const childPos = this.peekPos();
      const name = this.parseName();
      this.expect(Tok.Colon);
      children.push({ name, value: this.parseValueLiteral(isConst), position: childPos });
    });
    return { raw: '', children, kind, position, expectedTypeHasDefault: false };
  }

  parseArguments(isConst: boolean): Argument[] {
    const args: Argument[] = [];
    this.many(Tok.ParenL, Tok.ParenR, () => {
      const position = this.peekPos();
      const name = this.parseName();
      this.expect(Tok.Colon);
      args.push({ name, value: this.parseValueLiteral(isConst), position });
    });
    return args;
  }

  parseDirectives(isConst: boolean): Directive[] {
    const directives: Directive[] = [];
    while (this.peek().kind === Tok.At) {
      if (this.err) break;
      this.expect(Tok.At);
      const position = this.peekPos();
      const name = this.parseName();
      directives.push({ name, arguments: this.parseArguments(isConst), location: '', position });
    }
    return directives;
  }

  parseTypeReference(): TypeRef {
    let t: TypeRef;
    if (this.skip(Tok.BracketL)) {
      const position = this.peekPos();
      const elem = this.parseTypeReference();
      this.expect(Tok.BracketR);
      t = { namedType: '', elem, nonNull: false, position };
    } else {
      const position = this.peekPos();
      t = { namedType: this.parseName(), nonNull: false, position };
    }
    if (this.skip(Tok.Bang)) t.nonNull = true;
    return t;
  }
}

export function parseQuery(input: string): { doc: QueryDocument; err?: GqlError } {
  const p = new Parser(input);
  const doc: QueryDocument = { operations: [], fragments: [] };
  while (p.peek().kind !== Tok.EOF) {
    if (p.err) break;
    const tok = p.peek();
    if (tok.kind === Tok.BraceL || (tok.kind === Tok.Name && ['query', 'mutation', 'subscription'].includes(tok.value))) {
      doc.operations.push(parseOperationDefinition(p));
    } else if (tok.kind === Tok.Name && tok.value === 'fragment') {
      doc.fragments.push(parseFragmentDefinition(p));
    } else {
      p.unexpected();
    }
  }
  return { doc, err: p.err };
}

function parseOperationDefinition(p: Parser): OperationDefinition {
  const position = p.peekPos();
  if (p.peek().kind === Tok.BraceL) {
    return { operation: 'query', name: '', variableDefinitions: [], directives: [], selectionSet: parseRequiredSelectionSet(p), position };
  }
  const operation = p.parseOperationType();
  const name = p.peek().kind === Tok.Name ? p.next().value : '';
  const variableDefinitions = parseVariableDefinitions(p);
  const directives = p.parseDirectives(false);
  return { operation, name, variableDefinitions, directives, selectionSet: parseRequiredSelectionSet(p), position };
}

function parseVariableDefinitions(p: Parser): VariableDefinition[] {
  const defs: VariableDefinition[] = [];
  p.many(Tok.ParenL, Tok.ParenR, () => {
    const position = p.peekPos();
    const variable = p.parseVariable();
    p.expect(Tok.Colon);
    const type = p.parseTypeReference();
    const defaultValue = p.skip(Tok.Equals) ? p.parseValueLiteral(true) : undefined;
    defs.push({ variable, type, defaultValue, directives: p.parseDirectives(false), used: false, position });
  });
  return defs;
}

function parseRequiredSelectionSet(p: Parser): Selection[] {
  if (p.peek().kind !== Tok.BraceL) {
    p.error(p.peek(), `Expected ${kindText(Tok.BraceL)}, found ${kindText(p.peek().kind)}`);
    return [];
  }
  const selections: Selection[] = [];
  p.some(Tok.BraceL, Tok.BraceR, () => selections.push(parseSelection(p)));
  return selections;
}

function parseSelection(p: Parser): Selection {
  return p.peek().kind === Tok.Spread ? parseFragment(p) : parseField(p);
}

function parseField(p: Parser): Field {
  const position = p.peekPos();
  const alias = p.parseName();
  const name = p.skip(Tok.Colon) ? p.parseName() : alias;
  const args = p.parseArguments(false);
  const directives = p.parseDirectives(false);
  const selectionSet: Selection[] = [];
  if (p.peek().kind === Tok.BraceL) p.some(Tok.BraceL, Tok.BraceR, () => selectionSet.push(parseSelection(p)));
  return { kind: 'field', alias, name, arguments: args, directives, selectionSet, position };
}

function parseFragment(p: Parser): Selection {
  p.expect(Tok.Spread);
  const peek = p.peek();
  if (peek.kind === Tok.Name && peek.value !== 'on') {
    const position = p.peekPos();
    const name = parseFragmentName(p);
    return { kind: 'spread', name, directives: p.parseDirectives(false), position };
  }
  const position = p.peekPos();
  let typeCondition = '';
  if (p.peek().value === 'on') {
    p.next();
    typeCondition = p.parseName();
  }
  const directives = p.parseDirectives(false);
  return { kind: 'inline', typeCondition, directives, selectionSet: parseRequiredSelectionSet(p), position };
}

function parseFragmentDefinition(p: Parser): FragmentDefinition {
  const position = p.peekPos();
  p.expectKeyword('fragment');
  const name = parseFragmentName(p);
  const variableDefinition = parseVariableDefinitions(p);
  p.expectKeyword('on');
  const typeCondition = p.parseName();
  const directives = p.parseDirectives(false);
  return { name, variableDefinition, typeCondition, directives, selectionSet: parseRequiredSelectionSet(p), position };
}

function parseFragmentName(p: Parser): string {
  if (p.peek().value === 'on') {
    p.unexpected();
    return '';
  }
  return p.parseName();
}
