/**
 * strings.render_template: the part of Go's text/template that templates over JSON-like data use — text and
 * {{actions}} with trim markers and comments, fields, variables, pipelines, parentheses, if/else/with/range
 * (with break/continue), and the builtin functions. Values print as Go prints them after OPA's conversion to
 * JSON-like Go values: numbers keep their text, objects print as map[k:v], arrays as [a b], a missing key as
 * <undefined>.
 */
import { BuiltinError } from '../errors.js';
import { RObject, RSet, compare, equal, formatValue, type Value } from '../../values.js';

/** A Go int made by the template itself (range indices, len); unlike JSON numbers, 0 is false. */
class GoInt {
  constructor(readonly n: number) {}
}
const UNDEFINED = Symbol('undefined');
type TValue = Value | GoInt | typeof UNDEFINED;
const isArray = (v: TValue): v is readonly Value[] => Array.isArray(v);
const isObject = (v: TValue): v is RObject => v instanceof RObject;
const isSet = (v: TValue): v is RSet => v instanceof RSet;

type Operand =
  | { kind: 'dot'; fields: string[] }
  | { kind: 'var'; name: string; fields: string[] }
  | { kind: 'lit'; value: TValue }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; pipe: Pipeline; fields: string[] };
interface Pipeline {
  decl: string[];
  assign: boolean;
  cmds: Operand[][];
}
interface Block {
  kind: 'if' | 'with' | 'range';
  pipe: Pipeline;
  body: Node[];
  orElse: Node[];
}
type Node = { kind: 'text'; text: string } | { kind: 'action'; pipe: Pipeline } | Block | { kind: 'break' | 'continue' };

const fail = (msg: string): never => {
  throw new BuiltinError(`template: template:${msg}`);
};

/** Splits the source into text and action bodies, applying {{- and -}} trimming. */
function lex(src: string): ({ text: string } | { action: string })[] {
  const out: ({ text: string } | { action: string })[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? undefined : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      out.push({ text });
      break;
    }
    let start = open + 2;
    if (/^-\s/.test(src.slice(start))) {
      text = text.replace(/\s+$/, '');
      start++;
    }
    out.push({ text });
    const close = findClose(src, start);
    if (close < 0) fail('1: unclosed action');
    let body = src.slice(start, close);
    trimNext = /\s-$/.test(body);
    if (trimNext) body = body.slice(0, -1);
    out.push({ action: body.trim() });
    i = close + 2;
  }
  return out;
}

/** The closing }} of an action, skipping quoted strings and comments. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`' || c === "'") {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\' && c !== '`') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 1;
    } else if (src.startsWith('}}', i)) return i;
  }
  return -1;
}

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)')|(:=|=|\||\(|\)|,)|(\$[A-Za-z0-9_]*)|((?:\.[A-Za-z0-9_]+)+|\.)|(-?\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)|([A-Za-z_][A-Za-z0-9_]*))/y;

interface Tok {
  readonly t: string;
  /** Whitespace came before it: a field chain touching a variable or ")" belongs to it, a spaced one does not. */
  readonly spaced: boolean;
}

function tokenize(action: string): Tok[] {
  const tokens: Tok[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < action.length && (m = TOKEN.exec(action))) tokens.push({ t: m[0].trim(), spaced: /^\s/.test(m[0]) });
  if (TOKEN.lastIndex < action.length && action.slice(TOKEN.lastIndex).trim() !== '') fail(`1: unexpected "${action.slice(TOKEN.lastIndex).trim()[0]}" in command`);
  return tokens;
}

function parsePipeline(all: Tok[]): Pipeline {
  let decl: string[] = [];
  let assign = false;
  let tokens = all;
  const declEnd = tokens.findIndex(({ t }) => t === ':=' || t === '=');
  if (declEnd > 0 && tokens.slice(0, declEnd).every(({ t }) => t.startsWith('$') || t === ',')) {
    decl = tokens.slice(0, declEnd).map(({ t }) => t).filter((t) => t !== ',');
    assign = tokens[declEnd]!.t === '=';
    tokens = tokens.slice(declEnd + 1);
  }
  const cmds: Operand[][] = [];
  let pos = 0;
  const operand = (): Operand => {
    const t = tokens[pos++]!.t;
    if (t === '(') {
      let depth = 1;
      const start = pos;
      while (pos < tokens.length && depth > 0) {
        if (tokens[pos]!.t === '(') depth++;
        else if (tokens[pos]!.t === ')') depth--;
        pos++;
      }
      if (depth !== 0) fail('1: unclosed left paren');
      return { kind: 'pipe', pipe: parsePipeline(tokens.slice(start, pos - 1)), fields: chain() };
    }
    if (t === '.') return { kind: 'dot', fields: [] };
    if (t.startsWith('.')) return { kind: 'dot', fields: t.slice(1).split('.') };
    if (t.startsWith('$')) return { kind: 'var', name: t, fields: chain() };
    if (t.startsWith('"')) return { kind: 'lit', value: JSON.parse(t) as string };
    if (t.startsWith('`')) return { kind: 'lit', value: t.slice(1, -1) };
    if (t.startsWith("'")) return { kind: 'lit', value: new GoInt((JSON.parse(`"${t.slice(1, -1)}"`) as string).codePointAt(0)!) };
    if (/^-?\d|^0[xX]/.test(t)) return { kind: 'lit', value: /^-?\d+$/.test(t) ? new GoInt(Number(t)) : Number(t.replaceAll('_', '')) };
    if (t === 'true' || t === 'false') return { kind: 'lit', value: t === 'true' };
    if (t === 'nil') return { kind: 'lit', value: null };
    return { kind: 'ident', name: t };
  };
  const chain = (): string[] => {
    const next = tokens[pos];
    return next && !next.spaced && next.t.startsWith('.') && next.t !== '.' ? tokens[pos++]!.t.slice(1).split('.') : [];
  };
  let cmd: Operand[] = [];
  while (pos < tokens.length) {
    if (tokens[pos]!.t === '|') {
      if (!cmd.length) fail('1: missing command');
      cmds.push(cmd);
      cmd = [];
      pos++;
      continue;
    }
    cmd.push(operand());
  }
  if (cmd.length) cmds.push(cmd);
  if (!cmds.length) fail('1: missing value for command');
  return { decl, assign, cmds };
}

function parse(src: string): Node[] {
  const parts = lex(src);
  let i = 0;
  const list = (ends: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (i < parts.length) {
      const p = parts[i++]!;
      if ('text' in p) {
        if (p.text) nodes.push({ kind: 'text', text: p.text });
        continue;
      }
      const a = p.action;
      if (a.startsWith('/*')) continue;
      const word = /^[a-z]+/.exec(a)?.[0] ?? '';
      if (word === 'end' || (word === 'else' && ends.includes('else'))) return { nodes, end: a };
      if (word === 'if' || word === 'with' || word === 'range') {
        nodes.push(block(word, a.slice(word.length)));
        continue;
      }
      if (word === 'break' || word === 'continue') {
        nodes.push({ kind: word });
        continue;
      }
      if (['define', 'template', 'block', 'else', 'end'].includes(word)) fail(`1: unexpected {{${word}}}`);
      nodes.push({ kind: 'action', pipe: parsePipeline(tokenize(a)) });
    }
    if (ends.length) fail('1: unexpected EOF');
    return { nodes, end: '' };
  };
  const block = (kind: 'if' | 'with' | 'range', head: string): Node => {
    const pipe = parsePipeline(tokenize(head));
    const body = list(['else', 'end']);
    let orElse: Node[] = [];
    if (body.end.startsWith('else')) {
      const rest = body.end.slice(4).trim();
      // "else if …" / "else with …" chain into a nested block that shares this block's end.
      if (rest.startsWith('if ') || rest.startsWith('with ')) {
        const w = rest.startsWith('if ') ? 'if' : 'with';
        orElse = [block(w, rest.slice(w.length))];
      } else orElse = list(['end']).nodes;
    }
    return { kind, pipe, body: body.nodes, orElse };
  };
  return list([]).nodes;
}

function truthy(v: TValue): boolean {
  if (v === UNDEFINED || v === null || v === false) return false;
  if (v instanceof GoInt) return v.n !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (isArray(v)) return v.length > 0;
  if (isObject(v) || isSet(v)) return v.size > 0;
  // JSON numbers reach Go as json.Number, a string type, so even 0 is true.
  return true;
}

/** fmt.Sprint of the Go value OPA hands to text/template. */
function show(v: TValue, nested = false): string {
  if (v === UNDEFINED) return '<undefined>';
  if (v instanceof GoInt) return String(v.n);
  if (v === null) return nested ? '<nil>' : '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return formatValue(v);
  if (isArray(v)) return '[' + v.map((x) => show(x, true)).join(' ') + ']';
  if (isSet(v)) return '[' + v.sorted().map((x) => show(x, true)).join(' ') + ']';
  return 'map[' + (v as RObject).sortedEntries().map(([k, x]) => `${show(k, true)}:${show(x, true)}`).join(' ') + ']';
}

const plain = (v: TValue): Value => (v === UNDEFINED ? null : v instanceof GoInt ? v.n : v);

class Loop extends Error {
  constructor(readonly kind: 'break' | 'continue') {
    super(kind);
  }
}

type Scope = { name: string; value: TValue }[];

function field(v: TValue, name: string): TValue {
  if (isObject(v)) {
    const x = v.get(name);
    return x === undefined ? UNDEFINED : x;
  }
  if (v === UNDEFINED || v === null) return UNDEFINED;
  return fail(`1: can't evaluate field ${name} in type ${isArray(v) ? '[]interface {}' : typeof v}`);
}

const firstOr = (i: number, fallback: number): number => (i < 0 ? fallback : i);

type Funcs = Record<string, (args: TValue[]) => TValue>;

const FUNCS: Funcs = {
  not: ([x]) => !truthy(x!),
  and: (args) => args[firstOr(args.findIndex((x) => !truthy(x)), args.length - 1)]!,
  or: (args) => args[firstOr(args.findIndex((x) => truthy(x)), args.length - 1)]!,
  len: ([x = null]) => {
    if (typeof x === 'string') return new GoInt(Buffer.byteLength(x));
    if (isArray(x)) return new GoInt(x.length);
    if (isObject(x) || isSet(x)) return new GoInt(x.size);
    return fail(`1: error calling len: len of type ${typeof x}`);
  },
  index: ([x, ...keys]) =>
    keys.reduce<TValue>((cur, k) => {
      if (isObject(cur)) return cur.get(plain(k)) ?? UNDEFINED;
      if (isArray(cur)) {
        const i = Number(plain(k));
        return i >= 0 && i < cur.length ? cur[i]! : fail(`1: error calling index: index out of range: ${i}`);
      }
      return fail('1: error calling index: cannot index value');
    }, x!),
  print: (args) => args.map((x, i) => (i > 0 && typeof x !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + show(x, true)).join(''),
  println: (args) => args.map((x) => show(x, true)).join(' ') + '\n',
  eq: ([a, ...rest]) => rest.some((b) => equal(plain(a!), plain(b))),
  ne: ([a, b]) => !equal(plain(a!), plain(b!)),
  lt: ([a, b]) => compare(plain(a!), plain(b!)) < 0,
  le: ([a, b]) => compare(plain(a!), plain(b!)) <= 0,
  gt: ([a, b]) => compare(plain(a!), plain(b!)) > 0,
  ge: ([a, b]) => compare(plain(a!), plain(b!)) >= 0,
  html: (args) => String(FUNCS.print!(args)).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!),
  urlquery: (args) => encodeURIComponent(String(FUNCS.print!(args))).replace(/%20/g, '+'),
};

/** Go's fmt.Sprintf, supplied by the caller (sprintf's implementation). */
export type Printf = (format: string, args: readonly Value[]) => string;

class Renderer {
  constructor(private readonly printf: Printf) {}

  render(nodes: readonly Node[], dot: TValue, scope: Scope, out: string[]): void {
    for (const n of nodes) {
      switch (n.kind) {
        case 'text':
          out.push(n.text);
          break;
        case 'action': {
          const v = this.pipeline(n.pipe, dot, scope);
          if (!n.pipe.decl.length) out.push(show(v));
          break;
        }
        case 'break':
        case 'continue':
          throw new Loop(n.kind);
        case 'if':
        case 'with': {
          const inner: Scope = [...scope];
          const v = this.pipeline(n.pipe, dot, inner);
          if (truthy(v)) this.render(n.body, n.kind === 'with' ? v : dot, inner, out);
          else this.render(n.orElse, dot, inner, out);
          break;
        }
        case 'range':
          this.renderRange(n, dot, scope, out);
      }
    }
  }

  renderRange(n: Block, dot: TValue, scope: Scope, out: string[]): void {
    const decl = n.pipe.decl;
    const v = this.pipeline({ ...n.pipe, decl: [] }, dot, scope);
    let items: [TValue, TValue][];
    if (isArray(v)) items = v.map((x, i) => [new GoInt(i), x]);
    else if (isSet(v)) items = v.sorted().map((x, i) => [new GoInt(i), x]);
    else if (isObject(v)) items = v.sortedEntries().map(([k, x]) => [k, x]);
    else if (v instanceof GoInt) items = Array.from({ length: Math.max(0, v.n) }, (_, i) => [new GoInt(i), new GoInt(i)]);
    else if (v === UNDEFINED || v === null) items = [];
    else return fail(`1: range can't iterate over ${show(v)}`);
    if (!items.length) return this.render(n.orElse, dot, scope, out);
    for (const [k, x] of items) {
      const inner: Scope = [...scope];
      if (decl.length === 1) inner.push({ name: decl[0]!, value: x });
      else if (decl.length === 2) inner.push({ name: decl[0]!, value: k }, { name: decl[1]!, value: x });
      try {
        this.render(n.body, x, inner, out);
      } catch (e) {
        if (!(e instanceof Loop)) throw e;
        if (e.kind === 'break') break;
      }
    }
  }

  pipeline(p: Pipeline, dot: TValue, scope: Scope): TValue {
    let value: TValue | undefined;
    for (const cmd of p.cmds) value = this.command(cmd, dot, scope, value);
    if (p.decl.length) {
      if (p.assign) {
        const slot = [...scope].reverse().find((s) => s.name === p.decl[0]);
        if (!slot) fail(`1: undefined variable: ${p.decl[0]}`);
        slot!.value = value!;
      } else scope.push({ name: p.decl[0]!, value: value! });
    }
    return value!;
  }

  command(cmd: Operand[], dot: TValue, scope: Scope, final: TValue | undefined): TValue {
    const [head, ...rest] = cmd;
    if (head!.kind === 'ident') {
      const f = head!.name === 'printf' ? (args: TValue[]) => this.printf(String(plain(args[0]!)), args.slice(1).map(plain)) : FUNCS[head!.name];
      if (!f) return fail(`1: function "${head!.name}" not defined`);
      const args = rest.map((a) => this.operand(a, dot, scope));
      if (final !== undefined) args.push(final);
      return f(args);
    }
    if (rest.length || final !== undefined) return fail(`1: can't give argument to non-function ${show(this.operand(head!, dot, scope))}`);
    return this.operand(head!, dot, scope);
  }

  operand(o: Operand, dot: TValue, scope: Scope): TValue {
    switch (o.kind) {
      case 'lit':
        return o.value;
      case 'ident':
        return this.command([o], dot, scope, undefined);
      case 'dot':
        return o.fields.reduce(field, dot);
      case 'var': {
        const slot = [...scope].reverse().find((s) => s.name === o.name);
        if (!slot) return fail(`1: undefined variable "${o.name}"`);
        return o.fields.reduce(field, slot.value);
      }
      case 'pipe':
        return o.fields.reduce(field, this.pipeline(o.pipe, dot, [...scope]));
    }
  }
}

export function renderTemplate(src: string, vars: RObject, sprintf: Printf): string {
  const out: string[] = [];
  new Renderer(sprintf).render(parse(src), vars, [{ name: '$', value: vars }], out);
  return out.join('');
}
