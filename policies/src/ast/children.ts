/**
 * One definition of a term's structure for the compiler's many walks: each walk handles the kinds it cares about
 * and leaves the rest to `forEachChild`.
 */
import type { Body, Term } from './nodes.js';

/** The direct subterms of a term, and the bodies of its closures (comprehensions). */
export function forEachChild(t: Term, onTerm: (x: Term | null) => void, onBody: (b: Body) => void): void {
  switch (t.type) {
    case 'call':
      return t.args.forEach(onTerm);
    case 'ref':
      onTerm(t.head);
      return t.path.forEach(onTerm);
    case 'array':
    case 'set':
      return t.items.forEach(onTerm);
    case 'object':
      return t.items.forEach(([k, v]) => (onTerm(k), onTerm(v)));
    case 'arraycomp':
    case 'setcomp':
      onTerm(t.term);
      return onBody(t.body);
    case 'objectcomp':
      onTerm(t.key);
      onTerm(t.value);
      return onBody(t.body);
    case 'template':
      return t.parts.forEach((p) => typeof p !== 'string' && onTerm(p));
    case 'with':
      onTerm(t.term);
      return t.with.forEach((w) => onTerm(w.value));
    case 'membership':
      onTerm(t.key);
      onTerm(t.value);
      return onTerm(t.coll);
    default:
      return;
  }
}
