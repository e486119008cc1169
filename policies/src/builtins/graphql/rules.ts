/**
 * gqlparser's default query validation rules (the spec's, as graphql-js words them), each subscribing to walker
 * events and reporting errors in gqlparser's wording and at its positions.
 */
import type { Argument, Definition, Field, Position, Selection } from './ast.js';
import { ValueKind, isCompatible, typeName, typeString, valueString } from './ast.js';
import { overlappingFieldsCanBeMerged } from './overlap.js';
import { quotedOrList, suggest, suggestionList } from './suggest.js';
import { valuesOfCorrectType } from './values-rule.js';
import type { Events, Walker } from './walker.js';

export type Report = (message: string, position?: Position) => void;
export type Rule = (events: Events, report: Report) => void;

const isLeaf = (d: Definition) => d.kind === 'ENUM' || d.kind === 'SCALAR';
const isComposite = (d: Definition) => d.kind === 'OBJECT' || d.kind === 'INTERFACE' || d.kind === 'UNION';
const isInput = (d: Definition) => d.kind === 'SCALAR' || d.kind === 'ENUM' || d.kind === 'INPUT_OBJECT';

const fieldsOnCorrectType: Rule = (events, report) => {
  events.field.push((w, field) => {
    const parent = w.objectDef.get(field);
    if (!parent || w.fieldDef.get(field)) return;
    let message = `Cannot query field "${field.name}" on type "${parent.name}".`;
    const types = suggestedTypeNames(w, parent, field.name);
    if (types.length) message += ` Did you mean to use an inline fragment on ${quotedOrList(types)}?`;
    else if (parent.kind === 'OBJECT' || parent.kind === 'INTERFACE') {
      const names = suggestionList(field.name, parent.fields.map((f) => f.name));
      if (names.length) message += ` Did you mean ${quotedOrList(names)}?`;
    }
    report(message, field.position);
  });
};

function suggestedTypeNames(w: Walker, parent: Definition, name: string): string[] {
  if (parent.kind !== 'INTERFACE' && parent.kind !== 'UNION') return [];
  const objects: string[] = [];
  const interfaces: string[] = [];
  const usage = new Map<string, number>();
  for (const t of w.schema.possibleTypes.get(parent.name) ?? []) {
    if (!t.fields.some((f) => f.name === name)) continue;
    objects.push(t.name);
    for (const i of t.interfaces) {
      if (!w.schema.types.get(i)?.fields.some((f) => f.name === name)) continue;
      if (!usage.has(i)) interfaces.push(i);
      usage.set(i, (usage.get(i) ?? 0) + 1);
    }
  }
  interfaces.sort((a, b) => usage.get(b)! - usage.get(a)!);
  return [...interfaces, ...objects];
}

const fragmentsOnCompositeTypes: Rule = (events, report) => {
  events.inlineFragment.push((w, frag) => {
    const t = w.schema.types.get(frag.typeCondition);
    if (!t || isComposite(t)) return;
    report(`Fragment cannot condition on non composite type "${frag.typeCondition}".`, frag.position);
  });
  events.fragment.push((w, frag) => {
    const t = w.fragmentTypeDef.get(frag);
    if (!t || frag.typeCondition === '' || isComposite(t)) return;
    report(`Fragment "${frag.name}" cannot condition on non composite type "${frag.typeCondition}".`, frag.position);
  });
};

const knownArgumentNames: Rule = (events, report) => {
  events.field.push((w, field) => {
    const def = w.fieldDef.get(field);
    const parent = w.objectDef.get(field);
    if (!def || !parent) return;
    for (const arg of field.arguments) {
      if (def.arguments.some((a) => a.name === arg.name)) continue;
      const hint = suggest('Did you mean', arg.name, def.arguments.map((a) => a.name));
      report(`Unknown argument "${arg.name}" on field "${parent.name}.${field.name}".${hint}`, field.position);
    }
  });
  events.directive.push((w, dir) => {
    const def = w.directiveInfo.get(dir)?.definition;
    if (!def) return;
    for (const arg of dir.arguments) {
      if (def.arguments.some((a) => a.name === arg.name)) continue;
      const hint = suggest('Did you mean', arg.name, def.arguments.map((a) => a.name));
      report(`Unknown argument "${arg.name}" on directive "@${dir.name}".${hint}`, dir.position);
    }
  });
};

const knownDirectives: Rule = (events, report) => {
  events.directive.push((w, dir) => {
    const info = w.directiveInfo.get(dir)!;
    if (!info.definition) return report(`Unknown directive "@${dir.name}".`, dir.position);
    if (info.definition.locations.includes(info.location)) return;
    report(`Directive "@${dir.name}" may not be used on ${info.location}.`, dir.position);
  });
};

const knownFragmentNames: Rule = (events, report) => {
  events.fragmentSpread.push((w, spread) => {
    if (!w.spreadDef.get(spread)) report(`Unknown fragment "${spread.name}".`, spread.position);
  });
};

const knownRootType: Rule = (events, report) => {
  events.operation.push((w, op) => {
    if (!w.rootFor(op.operation)) report(`Schema does not support operation type "${op.operation}"`, op.position);
  });
};

const knownTypeNames: Rule = (events, report) => {
  events.variable.push((w, v) => {
    if (!w.schema.types.has(typeName(v.type))) report(`Unknown type "${typeName(v.type)}".`, v.position);
  });
  events.inlineFragment.push((w, frag) => {
    if (frag.typeCondition !== '' && !w.schema.types.has(frag.typeCondition)) report(`Unknown type "${frag.typeCondition}".`, frag.position);
  });
  events.fragment.push((w, frag) => {
    if (w.schema.types.has(frag.typeCondition)) return;
    const hint = suggest('Did you mean', frag.typeCondition, [...w.schema.types.keys()]);
    report(`Unknown type "${frag.typeCondition}".${hint}`, frag.position);
  });
};

const loneAnonymousOperation: Rule = (events, report) => {
  events.operation.push((w, op) => {
    if (op.name === '' && w.document.operations.length > 1) report('This anonymous operation must be the only defined operation.', op.position);
  });
};

const maxIntrospectionDepth: Rule = (events, report) => {
  const LIST_FIELDS = new Set(['fields', 'interfaces', 'possibleTypes', 'inputFields']);
  const tooDeep = (w: Walker, set: readonly Selection[], visited: Set<string>, depth: number): boolean =>
    set.some((sel) => {
      if (sel.kind === 'field') {
        const d = LIST_FIELDS.has(sel.name) ? depth + 1 : depth;
        return d >= 3 || tooDeep(w, sel.selectionSet, visited, d);
      }
      if (sel.kind === 'inline') return tooDeep(w, sel.selectionSet, visited, depth);
      const frag = w.spreadDef.get(sel);
      if (visited.has(sel.name) || !frag) return false;
      visited.add(sel.name);
      const deep = tooDeep(w, frag.selectionSet, visited, depth);
      visited.delete(sel.name);
      return deep;
    });
  events.field.push((w, field) => {
    if (field.name !== '__schema' && field.name !== '__type') return;
    if (tooDeep(w, [field], new Set(), 0)) report('Maximum introspection depth exceeded', field.position);
  });
};

function fragmentSpreads(set: readonly Selection[]): Selection[] {
  const spreads: Selection[] = [];
  const stack = [set];
  while (stack.length) {
    for (const sel of stack.pop()!) {
      if (sel.kind === 'spread') spreads.push(sel);
      else stack.push(sel.selectionSet);
    }
  }
  return spreads;
}

const noFragmentCycles: Rule = (events, report) => {
  const visited = new Set<string>();
  events.fragment.push((w, fragment) => {
    const path: Selection[] = [];
    const indexByName = new Map<string, number>();
    const recurse = (frag: typeof fragment) => {
      if (visited.has(frag.name)) return;
      visited.add(frag.name);
      const spreads = fragmentSpreads(frag.selectionSet);
      if (!spreads.length) return;
      indexByName.set(frag.name, path.length);
      for (const spread of spreads) {
        const name = (spread as { name: string }).name;
        const cycleIndex = indexByName.get(name);
        path.push(spread);
        if (cycleIndex === undefined) {
          const next = w.fragmentNamed(name);
          if (next) recurse(next);
        } else {
          const names = path.slice(cycleIndex, -1).map((s) => `"${(s as { name: string }).name}"`);
          const via = names.length ? ` via ${names.join(', ')}` : '';
          report(`Cannot spread fragment "${name}" within itself${via}.`, spread.position);
        }
        path.pop();
      }
      indexByName.delete(frag.name);
    };
    recurse(fragment);
  });
};

const noUndefinedVariables: Rule = (events, report) => {
  events.value.push((w, value) => {
    const op = w.currentOperation;
    if (!op || value.kind !== ValueKind.Variable || w.info(value).variableDefinition) return;
    if (op.name !== '') report(`Variable "${valueString(value)}" is not defined by operation "${op.name}".`, value.position);
    else report(`Variable "${valueString(value)}" is not defined.`, value.position);
  });
};

const noUnusedFragments: Rule = (events, report) => {
  let inFragmentDefinition = false;
  const used = new Set<string>();
  events.fragmentSpread.push((_w, spread) => {
    if (!inFragmentDefinition) used.add(spread.name);
  });
  events.fragment.push((_w, frag) => {
    inFragmentDefinition = true;
    if (!used.has(frag.name)) report(`Fragment "${frag.name}" is never used.`, frag.position);
  });
};

const noUnusedVariables: Rule = (events, report) => {
  events.operation.push((w, op) => {
    for (const v of op.variableDefinitions) {
      if (w.usedVariables.has(v)) continue;
      if (op.name !== '') report(`Variable "$${v.variable}" is never used in operation "${op.name}".`, v.position);
      else report(`Variable "$${v.variable}" is never used.`, v.position);
    }
  });
};

const possibleFragmentSpreads: Rule = (events, report) => {
  const possible = (w: Walker, parent: Definition | undefined, fragmentType: string): boolean => {
    if (!parent) return true;
    let parents: Definition[];
    if (parent.kind === 'OBJECT') parents = [parent];
    else if (parent.kind === 'INTERFACE' || parent.kind === 'UNION') parents = w.schema.possibleTypes.get(parent.name) ?? [];
    else return true;
    const fragDef = w.schema.types.get(fragmentType);
    if (!fragDef || !isComposite(fragDef)) return true;
    const fragDefs = w.schema.possibleTypes.get(fragDef.name) ?? [];
    return fragDefs.some((f) => parents.some((p) => p.name === f.name));
  };
  events.inlineFragment.push((w, frag) => {
    const parent = w.objectDef.get(frag);
    if (possible(w, parent, frag.typeCondition)) return;
    report(`Fragment cannot be spread here as objects of type "${parent!.name}" can never be of type "${frag.typeCondition}".`, frag.position);
  });
  events.fragmentSpread.push((w, spread) => {
    const def = w.spreadDef.get(spread);
    const parent = w.objectDef.get(spread);
    if (!def || possible(w, parent, def.typeCondition)) return;
    report(`Fragment "${spread.name}" cannot be spread here as objects of type "${parent!.name}" can never be of type "${def.typeCondition}".`, spread.position);
  });
};

const providedRequiredArguments: Rule = (events, report) => {
  events.field.push((w, field) => {
    const def = w.fieldDef.get(field);
    if (!def) return;
    for (const argDef of def.arguments) {
      if (!argDef.type?.nonNull || argDef.defaultValue || field.arguments.some((a) => a.name === argDef.name)) continue;
      report(`Field "${field.name}" argument "${argDef.name}" of type "${typeString(argDef.type)}" is required, but it was not provided.`, field.position);
    }
  });
  events.directive.push((w, dir) => {
    const def = w.directiveInfo.get(dir)?.definition;
    if (!def) return;
    for (const argDef of def.arguments) {
      if (!argDef.type?.nonNull || argDef.defaultValue || dir.arguments.some((a) => a.name === argDef.name)) continue;
      report(`Directive "@${def.name}" argument "${argDef.name}" of type "${typeString(argDef.type)}" is required, but it was not provided.`, dir.position);
    }
  });
};

const scalarLeafs: Rule = (events, report) => {
  events.field.push((w, field) => {
    const def = w.fieldDef.get(field);
    const t = def && w.schema.types.get(typeName(def.type));
    if (!def || !t) return;
    if (isLeaf(t) && field.selectionSet.length > 0) {
      report(`Field "${field.name}" must not have a selection since type "${t.name}" has no subfields.`, field.position);
    }
    if (!isLeaf(t) && field.selectionSet.length === 0) {
      report(`Field "${field.name}" of type "${typeString(def.type)}" must have a selection of subfields. Did you mean "${field.name} { ... }"?`, field.position);
    }
  });
};

/** A literal @skip(if: true) or @include(if: false) leaves a selection out when collecting root fields. */
function excluded(sel: Selection): boolean {
  const literal = (dir: string) => sel.directives.find((d) => d.name === dir)?.arguments.find((a) => a.name === 'if')?.value;
  const skip = literal('skip');
  const include = literal('include');
  return (skip?.kind === ValueKind.Boolean && skip.raw === 'true') || (include?.kind === ValueKind.Boolean && include.raw === 'false');
}

/** graphql-js's collectFields over the subscription root: response name → fields, through fragments. */
function collectRootFields(w: Walker, root: Definition, set: readonly Selection[], into: Map<string, Field[]>, visited: Set<string>): void {
  const applies = (typeCondition: string) => {
    if (typeCondition === '' || typeCondition === root.name) return true;
    return (w.schema.possibleTypes.get(typeCondition) ?? []).some((t) => t.name === root.name);
  };
  for (const sel of set) {
    if (excluded(sel)) continue;
    if (sel.kind === 'field') {
      const key = sel.alias !== '' ? sel.alias : sel.name;
      into.set(key, [...(into.get(key) ?? []), sel]);
    } else if (sel.kind === 'inline') {
      if (applies(sel.typeCondition)) collectRootFields(w, root, sel.selectionSet, into, visited);
    } else if (!visited.has(sel.name)) {
      visited.add(sel.name);
      const frag = w.fragmentNamed(sel.name);
      if (frag && applies(frag.typeCondition)) collectRootFields(w, root, frag.selectionSet, into, visited);
    }
  }
}

const singleFieldSubscriptions: Rule = (events, report) => {
  events.operation.push((w, op) => {
    const root = w.schema.subscription;
    if (op.operation !== 'subscription' || !root) return;
    const name = op.name !== '' ? `Subscription ${JSON.stringify(op.name)}` : 'Anonymous Subscription';
    const fields = new Map<string, Field[]>();
    collectRootFields(w, root, op.selectionSet, fields, new Set());
    const groups = [...fields.values()];
    if (groups.length > 1) report(`${name} must select only one top level field.`, groups[1]![0]!.position);
    for (const group of groups) {
      if (group[0]!.name.startsWith('__')) report(`${name} must not select an introspection top level field.`, group[0]!.position);
    }
  });
};

/** Each repeated name is reported once, at its second use, however often it repeats. */
function reportRepeats<T extends { position?: Position }>(items: readonly T[], name: (x: T) => string, report: (x: T) => void): void {
  const seen = new Map<string, number>();
  for (const item of items) {
    const n = seen.get(name(item)) ?? 0;
    if (n === 1) report(item);
    seen.set(name(item), n + 1);
  }
}

const uniqueArgumentNames: Rule = (events, report) => {
  const check = (args: readonly Argument[]) =>
    reportRepeats(args, (a) => a.name, (a) => report(`There can be only one argument named "${a.name}".`, a.position));
  events.field.push((_w, field) => check(field.arguments));
  events.directive.push((_w, dir) => check(dir.arguments));
};

const uniqueDirectivesPerLocation: Rule = (events, report) => {
  events.directiveList.push((w, dirs) => {
    const seen = new Set<string>();
    for (const dir of dirs) {
      const def = w.directiveInfo.get(dir)?.definition;
      if (seen.has(dir.name) && def && !def.isRepeatable) {
        report(`The directive "@${dir.name}" can only be used once at this location.`, dir.position);
      }
      seen.add(dir.name);
    }
  });
};

const uniqueFragmentNames: Rule = (events, report) => {
  const seen = new Set<string>();
  events.fragment.push((_w, frag) => {
    if (seen.has(frag.name)) report(`There can be only one fragment named "${frag.name}".`, frag.position);
    seen.add(frag.name);
  });
};

const uniqueInputFieldNames: Rule = (events, report) => {
  events.value.push((_w, value) => {
    if (value.kind !== ValueKind.Object) return;
    const seen = new Set<string>();
    for (const child of value.children) {
      if (seen.has(child.name)) report(`There can be only one input field named "${child.name}".`, child.position);
      seen.add(child.name);
    }
  });
};

const uniqueOperationNames: Rule = (events, report) => {
  const seen = new Set<string>();
  events.operation.push((_w, op) => {
    if (op.name === '') return;
    if (seen.has(op.name)) report(`There can be only one operation named "${op.name}".`, op.position);
    seen.add(op.name);
  });
};

const uniqueVariableNames: Rule = (events, report) => {
  events.operation.push((_w, op) =>
    reportRepeats(op.variableDefinitions, (v) => v.variable, (v) => report(`There can be only one variable named "$${v.variable}".`, v.position)),
  );
};

const variablesAreInputTypes: Rule = (events, report) => {
  events.operation.push((w, op) => {
    for (const v of op.variableDefinitions) {
      const def = w.variableTypeDef.get(v);
      if (def && !isInput(def)) report(`Variable "$${v.variable}" cannot be non-input type "${typeString(v.type)}".`, v.position);
    }
  });
};

const variablesInAllowedPosition: Rule = (events, report) => {
  events.value.push((w, value) => {
    const info = w.info(value);
    const varDef = info.variableDefinition;
    if (value.kind !== ValueKind.Variable || !info.expectedType || !varDef?.type || !w.currentOperation) return;
    // A non-null position may take a nullable variable when the variable or the position has a non-null default.
    const hasDefault = (varDef.defaultValue !== undefined && varDef.defaultValue.kind !== ValueKind.Null) || info.expectedTypeHasDefault;
    const expected = hasDefault && info.expectedType.nonNull ? { ...info.expectedType, nonNull: false } : info.expectedType;
    if (isCompatible(varDef.type, expected)) return;
    report(`Variable "${valueString(value)}" of type "${typeString(varDef.type)}" used in position expecting type "${typeString(expected)}".`, value.position);
  });
};

export const DEFAULT_RULES: readonly Rule[] = [
  fieldsOnCorrectType,
  fragmentsOnCompositeTypes,
  knownArgumentNames,
  knownDirectives,
  knownFragmentNames,
  knownRootType,
  knownTypeNames,
  loneAnonymousOperation,
  maxIntrospectionDepth,
  noFragmentCycles,
  noUndefinedVariables,
  noUnusedFragments,
  noUnusedVariables,
  overlappingFieldsCanBeMerged,
  possibleFragmentSpreads,
  providedRequiredArguments,
  scalarLeafs,
  singleFieldSubscriptions,
  uniqueArgumentNames,
  uniqueDirectivesPerLocation,
  uniqueFragmentNames,
  uniqueInputFieldNames,
  uniqueOperationNames,
  uniqueVariableNames,
  valuesOfCorrectType,
  variablesAreInputTypes,
  variablesInAllowedPosition,
];
