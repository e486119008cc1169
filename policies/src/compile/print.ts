/**
 * `print(a, b)` prints even when an operand is undefined (as `<undefined>`), and an operand that iterates prints
 * each value: as OPA does, each operand becomes the set of its values, `internal.print({v | v = a}, …)`. The
 * operands are thus closures: vars bound elsewhere in the body are read, others stay local to the operand.
 */
import type { Body, Rule, Term } from '../ast/nodes.js';
import { mapBody, mapRule } from './map.js';
import { GENERATED_PREFIX } from './safety.js';

function rewriter(): (t: Term) => Term {
  let n = 0;
  return (t) => {
    if (t.type !== 'call' || t.name !== 'print') return t;
    const args = t.args.map((arg): Term => {
      const v: Term = { type: 'var', name: `${GENERATED_PREFIX}print${n++}__`, loc: arg.loc };
      return { type: 'setcomp', term: v, body: [{ expr: { kind: 'unify', left: v, right: arg }, negated: false, with: [], loc: arg.loc }], loc: arg.loc };
    });
    return { ...t, name: 'internal.print', args };
  };
}

export const rewritePrintRule = (rule: Rule): Rule => mapRule(rule, rewriter());
export const rewritePrintBody = (body: Body): Body => mapBody(body, rewriter());
