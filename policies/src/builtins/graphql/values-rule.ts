/**
 * The ValuesOfCorrectType rule: literal values (arguments, input fields, list items, variable defaults) must fit
 * the type expected where they stand, in gqlparser's messages.
 */
import type { Definition, GqlValue } from './ast.js';
import { ValueKind, typeString, valueString } from './ast.js';
import type { Report, Rule } from './rules.js';
import { suggest } from './suggest.js';
import type { Walker } from './walker.js';

/** Value.Value(nil) in gqlparser fails only on numbers Go cannot hold (also inside lists and objects). */
function valueConverts(v: GqlValue): boolean {
  if (v.kind === ValueKind.Int) return /^-?\d+$/.test(v.raw) && BigInt(v.raw) >= -(2n ** 63n) && BigInt(v.raw) < 2n ** 63n;
  if (v.kind === ValueKind.Float) return Number.isFinite(Number(v.raw));
  if (v.kind === ValueKind.List || v.kind === ValueKind.Object) return v.children.every((c) => !c.value || valueConverts(c.value));
  return true;
}

function unexpectedTypeMessage(w: Walker, v: GqlValue): string {
  const info = w.info(v);
  const shown = valueString(v);
  switch (typeString(info.expectedType)) {
    case 'Int':
    case 'Int!': {
      const inRange = /^[+-]?\d+$/.test(v.raw) && BigInt(v.raw) >= -(2n ** 31n) && BigInt(v.raw) < 2n ** 31n;
      return /^[+-]?\d+$/.test(v.raw) && !inRange ? `Int cannot represent non 32-bit signed integer value: ${shown}` : `Int cannot represent non-integer value: ${shown}`;
    }
    case 'String':
    case 'String!':
    case '[String]':
      return `String cannot represent a non string value: ${shown}`;
    case 'Boolean':
    case 'Boolean!':
      return `Boolean cannot represent a non boolean value: ${shown}`;
    case 'Float':
    case 'Float!':
      return `Float cannot represent non numeric value: ${shown}`;
    case 'ID':
    case 'ID!':
      return `ID cannot represent a non-string and non-integer value: ${shown}`;
    default:
      if (info.definition?.kind === 'ENUM') return `Enum "${typeString(info.expectedType)}" cannot represent non-enum value: ${shown}.`;
      return `Expected value of type "${typeString(info.expectedType)}", found ${shown}.`;
  }
}

export const valuesOfCorrectType: Rule = (events, report) => {
  events.value.push((w, value) => {
    const info = w.info(value);
    const def = info.definition;
    const expected = info.expectedType;
    if (!def || !expected) return;
    const wrong = () => report(unexpectedTypeMessage(w, value), value.position);
    const oneOf = (...names: string[]) => names.includes(def.name);
    if (value.kind === ValueKind.Null && expected.nonNull) report(`Expected value of type "${typeString(expected)}", found ${valueString(value)}.`, value.position);
    if (def.kind === 'SCALAR' && !oneOf('Int', 'Float', 'String', 'Boolean', 'ID')) return;
    const enums = def.kind === 'ENUM' ? def.enumValues.map((e) => e.name) : [];
    if (!valueConverts(value)) wrong();
    switch (value.kind) {
      case ValueKind.List:
        if (!expected.elem) wrong();
        break;
      case ValueKind.Int:
        if (!oneOf('Int', 'Float', 'ID')) wrong();
        break;
      case ValueKind.Float:
        if (!oneOf('Float')) wrong();
        break;
      case ValueKind.String:
      case ValueKind.Block:
        if (def.kind === 'ENUM') {
          const hint = suggest('Did you mean the enum value', value.raw, enums);
          report(`Enum "${typeString(expected)}" cannot represent non-enum value: ${valueString(value)}.${hint}`, value.position);
        } else if (!oneOf('String', 'ID')) wrong();
        break;
      case ValueKind.Enum:
        if (def.kind !== 'ENUM') {
          report(unexpectedTypeMessage(w, value) + suggest('Did you mean the enum value', value.raw, enums, false), value.position);
        } else if (!enums.includes(value.raw)) {
          const hint = suggest('Did you mean the enum value', value.raw, enums);
          report(`Value "${valueString(value)}" does not exist in "${typeString(expected)}" enum.${hint}`, value.position);
        }
        break;
      case ValueKind.Boolean:
        if (!oneOf('Boolean')) wrong();
        break;
      case ValueKind.Object:
        for (const field of def.fields) {
          if (field.type?.nonNull && !field.defaultValue && !value.children.some((c) => c.name === field.name)) {
            report(`Field "${def.name}.${field.name}" of required type "${typeString(field.type)}" was not provided.`, value.position);
          }
        }
        for (const child of value.children) {
          if (def.fields.some((f) => f.name === child.name)) continue;
          const hint = suggest('Did you mean', child.name, def.fields.map((f) => f.name));
          report(`Field "${child.name}" is not defined by type "${def.name}".${hint}`, child.position);
        }
        if (def.directives.some((d) => d.name === 'oneOf')) checkOneOf(w, value, def, report);
        break;
    }
  });
};


/** A @oneOf input object takes exactly one field, and that field must not be null. */
function checkOneOf(w: Walker, value: GqlValue, def: Definition, report: Report): void {
  if (value.children.length !== 1) {
    report(`OneOf Input Object "${def.name}" must specify exactly one key.`, value.position);
    return;
  }
  const child = value.children[0]!;
  if (child.value?.kind === ValueKind.Null) {
    report(`Field "${def.name}.${child.name}" must be non-null.`, value.position);
  } else if (child.value?.kind === ValueKind.Variable) {
    const varDef = w.info(child.value).variableDefinition;
    if (varDef && !varDef.type?.nonNull) {
      report(`Variable "${child.value.raw}" must be non-nullable to be used for OneOf Input Object "${def.name}".`, value.position);
    }
  }
}
