/**
 * `airlock policy eval`'s result in `opa eval --format json`'s shape. Like OPA, each expression's value is captured
 * in a generated variable: a single expression shows its value even when it is false; with several expressions, or
 * with iteration, a captured value must also hold, so that a false one leaves that solution out.
 */
import { parseQuery, toJSON, type Body, type Engine, type EvaluateOptions, type Literal, type Term, type Value } from '@airlock/policies';

/** `$` cannot start a Rego name, so a capture can never clash with a variable of the query. */
const CAPTURE_PREFIX = '$expr';

interface ExpressionResult {
  readonly value: unknown;
  readonly text: string;
  readonly location: { readonly row: number; readonly col: number };
}

export interface EvalResult {
  readonly result?: readonly { readonly expressions: readonly ExpressionResult[]; readonly bindings?: Record<string, unknown> }[];
}

/** Each literal's source text, cut from the query at the next literal's start. */
function literalTexts(query: string, body: Body): string[] {
  const lineStarts = [0];
  for (let i = 0; i < query.length; i++) if (query[i] === '\n') lineStarts.push(i + 1);
  const offset = (l: Literal): number => lineStarts[l.loc.row - 1]! + l.loc.col - 1;
  return body.map((l, i) => {
    const end = i + 1 < body.length ? offset(body[i + 1]!) : query.length;
    return query.slice(offset(l), end).trim().replace(/;$/, '').trim();
  });
}

/** Whether a term iterates: a variable anywhere but at the head of a reference (`input.xs[i]`, `f(x)`). */
function iterates(term: Term): boolean {
  switch (term.type) {
    case 'var':
      return true;
    case 'ref':
      return term.path.some(iterates) || (term.head.type !== 'var' && iterates(term.head));
    case 'array':
    case 'set':
      return term.items.some(iterates);
    case 'object':
      return term.items.some(([k, v]) => iterates(k) || iterates(v));
    case 'call':
      return term.args.some(iterates);
    default:
      return false;
  }
}

/** The query with every plain term expression captured, and the capture variable of each literal (or null). */
function capture(body: Body): { body: Body; captures: (string | null)[] } {
  const captures: (string | null)[] = [];
  const rewritten: Literal[] = [];
  const checks: Literal[] = [];
  body.forEach((literal, i) => {
    if (literal.negated || literal.expr.kind !== 'term') {
      captures.push(null);
      rewritten.push(literal);
      return;
    }
    const name = `${CAPTURE_PREFIX}${i}`;
    const variable = { type: 'var' as const, name, loc: literal.loc };
    captures.push(name);
    rewritten.push({ ...literal, expr: { kind: 'unify', left: variable, right: literal.expr.term } });
    checks.push({ expr: { kind: 'term', term: variable }, negated: false, with: [], loc: literal.loc });
  });
  const check = body.length > 1 || body.some((l) => l.expr.kind === 'term' && iterates(l.expr.term));
  return { body: check ? [...rewritten, ...checks] : rewritten, captures };
}

export function evaluateQuery(engine: Engine, query: string, options: EvaluateOptions): EvalResult {
  const parsed = parseQuery(query);
  const texts = literalTexts(query, parsed);
  const { body, captures } = capture(parsed);
  const rows = engine.query(body, options);
  if (!rows.length) return {};
  return {
    result: rows.map((row: Record<string, Value>) => {
      const expressions = parsed.map((literal, i) => {
        const name = captures[i];
        const value = name && row[name] !== undefined ? toJSON(row[name]) : true;
        return { value, text: texts[i]!, location: { row: literal.loc.row, col: literal.loc.col } };
      });
      const bindings = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith(CAPTURE_PREFIX)).map(([k, v]) => [k, toJSON(v)]));
      return Object.keys(bindings).length ? { expressions, bindings } : { expressions };
    }),
  };
}
