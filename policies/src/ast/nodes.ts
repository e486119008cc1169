/** The Rego AST. Every node that can fail at run time carries its location. */
import type { Annotation } from './annotations.js';
import type { Location } from './tokens.js';
import type { Value } from '../values.js';

export type Term =
  | { readonly type: 'scalar'; readonly value: Value; readonly loc: Location }
  | { readonly type: 'var'; readonly name: string; readonly loc: Location }
  | { readonly type: 'ref'; readonly head: Term; readonly path: readonly Term[]; readonly loc: Location }
  | { readonly type: 'array'; readonly items: readonly Term[]; readonly loc: Location }
  | { readonly type: 'set'; readonly items: readonly Term[]; readonly loc: Location }
  | { readonly type: 'object'; readonly items: readonly (readonly [Term, Term])[]; readonly loc: Location }
  | { readonly type: 'arraycomp' | 'setcomp'; readonly term: Term; readonly body: Body; readonly loc: Location }
  | { readonly type: 'objectcomp'; readonly key: Term; readonly value: Term; readonly body: Body; readonly loc: Location }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Term[]; readonly loc: Location }
  | { readonly type: 'template'; readonly parts: readonly (string | Term)[]; readonly loc: Location }
  /** `term with … as …` inside a template expression: the term evaluated under the modifiers. */
  | { readonly type: 'with'; readonly term: Term; readonly with: readonly With[]; readonly loc: Location }
  | { readonly type: 'membership'; readonly key: Term | null; readonly value: Term; readonly coll: Term; readonly loc: Location };

export interface With {
  readonly target: Term;
  readonly value: Term;
}

export type Expr =
  | { readonly kind: 'term'; readonly term: Term }
  | { readonly kind: 'unify'; readonly left: Term; readonly right: Term }
  | { readonly kind: 'assign'; readonly left: Term; readonly right: Term }
  | { readonly kind: 'some'; readonly vars: readonly string[] }
  | { readonly kind: 'somein'; readonly key: Term | null; readonly value: Term; readonly coll: Term }
  | { readonly kind: 'every'; readonly key: Term | null; readonly value: Term; readonly coll: Term; readonly body: Body }
  /** `{ … }` as an operand of the experimental `and` / `or` keywords: a nested body. */
  | { readonly kind: 'group'; readonly body: Body }
  /** `a or b` (future.keywords.or): the first branch with a solution. */
  | { readonly kind: 'or'; readonly branches: readonly Body[] };

export interface Literal {
  readonly expr: Expr;
  readonly negated: boolean;
  readonly with: readonly With[];
  readonly loc: Location;
}

export type Body = readonly Literal[];

export type RuleKind = 'complete' | 'set' | 'object' | 'function';

export interface Rule {
  readonly kind: RuleKind;
  /**
   * Path from `data` to the node the rule defines, e.g. ["airlock", "decision"]: the ground prefix of the head's
   * reference. For `p.q[x].r := v` it is [..pkg, "p", "q"], the rest being `key` and `refRest`.
   */
  readonly path: readonly string[];
  readonly args: readonly Term[];
  /** Partial sets: the member; partial objects (any head with a dynamic part): the first dynamic key. */
  readonly key: Term | null;
  /** Partial objects: the keys after `key` (`p[q].r.s` → r, s); the value nests under all of them. */
  readonly refRest?: readonly Term[];
  /** Partial objects: the leaf is a set and `value` one of its members (`p[q] contains x`). */
  readonly multi?: boolean;
  /** Complete rules and functions: the value; partial objects: the value (or the member when `multi`). */
  readonly value: Term | null;
  readonly body: Body;
  readonly isDefault: boolean;
  readonly elseRule: Rule | null;
  /** METADATA annotations written above the rule (rule or document scope). */
  readonly annotations?: readonly Annotation[];
  readonly loc: Location;
  readonly file: string;
}

export interface Import {
  readonly path: readonly string[];
  readonly alias: string | null;
}

export interface Module {
  readonly file: string;
  readonly pkg: readonly string[];
  readonly imports: readonly Import[];
  readonly rules: readonly Rule[];
  /** METADATA annotations written above the package (package or subpackages scope). */
  readonly annotations?: readonly Annotation[];
}
