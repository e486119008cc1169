/**
 * The OverlappingFieldsCanBeMerged rule as gqlparser implements graphql-js's algorithm: fields that share a response
 * name must be the same field with the same arguments and compatible types, compared within each selection set,
 * between it and the fragments it spreads, and between those fragments.
 */
import type { Field, FragmentSpread, GqlValue, Position, Selection, TypeRef } from './ast.js';
import { typeString } from './ast.js';
import type { Report, Rule } from './rules.js';
import type { Walker } from './walker.js';

interface Conflict {
  responseName: string;
  message?: string;
  sub?: Conflict[];
  position?: Position;
}

type FieldMap = Map<string, Field[]>;

function fieldsAndSpreads(set: readonly Selection[]): [FieldMap, FragmentSpread[]] {
  const fields: FieldMap = new Map();
  const spreads: FragmentSpread[] = [];
  const walk = (s: readonly Selection[]) => {
    for (const sel of s) {
      if (sel.kind === 'field') {
        const name = sel.alias !== '' ? sel.alias : sel.name;
        fields.set(name, [...(fields.get(name) ?? []), sel]);
      } else if (sel.kind === 'inline') walk(sel.selectionSet);
      else spreads.push(sel);
    }
  };
  walk(set);
  return [fields, spreads];
}

function sameFieldMaps(a: FieldMap, b: FieldMap): boolean {
  if (a.size !== b.size) return false;
  for (const [name, fields] of a) {
    const other = b.get(name);
    if (!other || other.length !== fields.length || fields.some((f, i) => f !== other[i])) return false;
  }
  return true;
}

const sameValue = (a: GqlValue | undefined, b: GqlValue | undefined) => a?.kind === b?.kind && a?.raw === b?.raw;

function sameArguments(a: Field['arguments'], b: Field['arguments']): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => x.name === y.name && sameValue(x.value, y.value)));
}

function conflictText(c: Conflict): string {
  if (!c.sub?.length) return c.message ?? '';
  return c.sub.map((s) => `subfields "${s.responseName}" conflict because ${conflictText(s)}`).join(' and ');
}

class Checker {
  private readonly comparedPairs = new Map<string, Map<string, boolean>>();
  private comparedFragments = new Set<string>();

  constructor(private readonly w: Walker) {}

  withinSelectionSet(set: readonly Selection[]): Conflict[] {
    if (!set.length) return [];
    const [fields, spreads] = fieldsAndSpreads(set);
    const conflicts: Conflict[] = [];
    for (const group of fields.values()) {
      group.forEach((a, i) => {
        for (const b of group.slice(i + 1)) this.push(conflicts, this.findConflict(false, a, b));
      });
    }
    this.comparedFragments = new Set();
    spreads.forEach((a, i) => {
      this.betweenFieldsAndFragment(conflicts, false, fields, a);
      for (const b of spreads.slice(i + 1)) this.betweenFragments(conflicts, false, a, b);
    });
    return conflicts;
  }

  private push(out: Conflict[], c: Conflict | undefined): void {
    if (c) out.push(c);
  }

  private betweenFieldsAndFragment(out: Conflict[], exclusive: boolean, fields: FieldMap, spread: FragmentSpread): void {
    if (this.comparedFragments.has(spread.name)) return;
    this.comparedFragments.add(spread.name);
    const def = this.w.spreadDef.get(spread);
    if (!def) return;
    const [fieldsB, spreadsB] = fieldsAndSpreads(def.selectionSet);
    if (sameFieldMaps(fields, fieldsB)) return;
    this.between(out, exclusive, fields, fieldsB);
    for (const s of spreadsB) if (s.name !== spread.name) this.betweenFieldsAndFragment(out, exclusive, fields, s);
  }

  private pairSeen(a: string, b: string, exclusive: boolean): boolean {
    const result = this.comparedPairs.get(a)?.get(b);
    if (result === undefined) return false;
    return exclusive ? true : !result;
  }

  private addPair(a: string, b: string, exclusive: boolean): void {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const m = this.comparedPairs.get(x) ?? new Map<string, boolean>();
      m.set(y, exclusive);
      this.comparedPairs.set(x, m);
    }
  }

  private betweenFragments(out: Conflict[], exclusive: boolean, a: FragmentSpread, b: FragmentSpread): void {
    if (a.name === b.name || this.pairSeen(a.name, b.name, exclusive)) return;
    this.addPair(a.name, b.name, exclusive);
    const defA = this.w.spreadDef.get(a);
    const defB = this.w.spreadDef.get(b);
    if (!defA || !defB) return;
    const [fieldsA, spreadsA] = fieldsAndSpreads(defA.selectionSet);
    const [fieldsB, spreadsB] = fieldsAndSpreads(defB.selectionSet);
    this.between(out, exclusive, fieldsA, fieldsB);
    for (const s of spreadsB) this.betweenFragments(out, exclusive, a, s);
    for (const s of spreadsA) this.betweenFragments(out, exclusive, s, b);
  }

  private between(out: Conflict[], exclusive: boolean, a: FieldMap, b: FieldMap): void {
    for (const [name, fieldsA] of a) {
      const fieldsB = b.get(name);
      if (!fieldsB) continue;
      for (const fa of fieldsA) for (const fb of fieldsB) this.push(out, this.findConflict(exclusive, fa, fb));
    }
  }

  private subSelections(exclusive: boolean, a: readonly Selection[], b: readonly Selection[]): Conflict[] {
    const out: Conflict[] = [];
    const [fieldsA, spreadsA] = fieldsAndSpreads(a);
    const [fieldsB, spreadsB] = fieldsAndSpreads(b);
    this.between(out, exclusive, fieldsA, fieldsB);
    for (const s of spreadsB) {
      this.comparedFragments = new Set();
      this.betweenFieldsAndFragment(out, exclusive, fieldsA, s);
    }
    for (const s of spreadsA) {
      this.comparedFragments = new Set();
      this.betweenFieldsAndFragment(out, exclusive, fieldsB, s);
    }
    for (const sa of spreadsA) for (const sb of spreadsB) this.betweenFragments(out, exclusive, sa, sb);
    return out;
  }

  private typesConflict(t1: TypeRef | undefined, t2: TypeRef | undefined): boolean {
    if (!t1 || !t2) return false;
    if (t1.elem) return t2.elem ? this.typesConflict(t1.elem, t2.elem) : true;
    if (t2.elem) return true;
    if (t1.nonNull !== t2.nonNull) return true;
    const d1 = this.w.schema.types.get(t1.namedType);
    const d2 = this.w.schema.types.get(t2.namedType);
    const leaf = (k: string | undefined) => k === 'SCALAR' || k === 'ENUM';
    return leaf(d1?.kind) && leaf(d2?.kind) ? d1!.name !== d2!.name : false;
  }

  private findConflict(parentExclusive: boolean, a: Field, b: Field): Conflict | undefined {
    const defA = this.w.fieldDef.get(a);
    const defB = this.w.fieldDef.get(b);
    const objA = this.w.objectDef.get(a);
    const objB = this.w.objectDef.get(b);
    if (!defA || !objA || !defB || !objB) return undefined;
    const exclusive = parentExclusive || (objA.name !== objB.name && objA.kind === 'OBJECT' && objB.kind === 'OBJECT');
    const responseName = a.alias !== '' ? a.alias : a.name;
    if (!exclusive) {
      if (a.name !== b.name) return { responseName, message: `${a.name} and ${b.name} are different fields`, position: b.position };
      if (!sameArguments(a.arguments, b.arguments)) return { responseName, message: 'they have differing arguments', position: b.position };
    }
    if (this.typesConflict(defA.type, defB.type)) {
      return { responseName, message: `they return conflicting types ${typeString(defA.type)} and ${typeString(defB.type)}`, position: b.position };
    }
    const sub = this.subSelections(exclusive, a.selectionSet, b.selectionSet);
    return sub.length ? { responseName, sub, position: b.position } : undefined;
  }
}

export const overlappingFieldsCanBeMerged: Rule = (events, report: Report) => {
  let checker: Checker | undefined;
  const check = (w: Walker, set: readonly Selection[]) => {
    checker ??= new Checker(w);
    for (const c of checker.withinSelectionSet(set)) {
      report(`Fields "${c.responseName}" conflict because ${conflictText(c)}. Use different aliases on the fields to fetch both if this was intentional.`, c.position);
    }
  };
  events.operation.push((w, op) => check(w, op.selectionSet));
  events.field.push((w, field) => {
    // Fragments are checked on their own as well; checking their fields only inside operations avoids duplicates.
    if (w.currentOperation) check(w, field.selectionSet);
  });
  events.inlineFragment.push((w, frag) => check(w, frag.selectionSet));
  events.fragment.push((w, frag) => check(w, frag.selectionSet));
};
