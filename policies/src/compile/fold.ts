/**
 * Constant folding: arrays, sets and objects made only of constants become one constant term, built once at
 * compile time instead of on every evaluation (and without a continuation per item for long literals).
 */
import type { Body, Rule, Term } from '../ast/nodes.js';
import { RObject, RSet, type Value } from '../values.js';
import { mapBody, mapRule } from './map.js';

type Constant = Extract<Term, { type: 'scalar' }>;
const constant = (t: Term): t is Constant => t.type === 'scalar';

/** One level: the subterms are already folded. */
function fold(t: Term): Term {
  switch (t.type) {
    case 'array':
      return t.items.every(constant) ? { type: 'scalar', value: t.items.map((i) => i.value), loc: t.loc } : t;
    case 'set':
      return t.items.every(constant) ? { type: 'scalar', value: new RSet(t.items.map((i) => i.value)), loc: t.loc } : t;
    case 'object': {
      if (!t.items.every(([k, v]) => constant(k) && constant(v))) return t;
      // A repeated key with different values is an evaluation-time conflict; leave such objects to the evaluator.
      const o = new RObject(t.items.map(([k, v]) => [(k as Constant).value, (v as Constant).value] as const));
      return o.size === t.items.length ? { type: 'scalar', value: o as Value, loc: t.loc } : t;
    }
    default:
      return t;
  }
}

export const foldRule = (rule: Rule): Rule => mapRule(rule, fold);
export const foldBody = (body: Body): Body => mapBody(body, fold);
