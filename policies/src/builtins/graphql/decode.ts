/**
 * Rego object → AST the way OPA gets there: ast.JSON, then Go's encoding/json into gqlparser's structs. That means
 * unknown keys are ignored, field names match case-insensitively (except in the types gqlparser decodes by hand),
 * null leaves a field at its zero value, and a value of the wrong JSON type is an error. Selections decode as a
 * Field whenever they can (gqlparser tries Field, then FragmentSpread, then InlineFragment), so spreads and inline
 * fragments given as objects come back as fields, as they do in OPA.
 */
import type {
  Argument,
  ChildValue,
  Definition,
  Directive,
  DirectiveDefinition,
  EnumValueDefinition,
  FieldDefinition,
  FragmentDefinition,
  GqlValue,
  OperationDefinition,
  QueryDocument,
  SchemaDefinition,
  SchemaDocument,
  Selection,
  TypeRef,
  VariableDefinition,
} from './ast.js';
import { toJSON, type Value } from '../../values.js';

export class DecodeError extends Error {}

type Obj = Record<string, unknown>;

function jsonType(x: unknown): string {
  if (typeof x === 'string') return 'string';
  if (typeof x === 'number' || typeof x === 'bigint') return 'number';
  if (typeof x === 'boolean') return 'bool';
  if (Array.isArray(x)) return 'array';
  return 'object';
}

/** One struct being decoded: `exact` for gqlparser's hand-written UnmarshalJSON, which matches keys exactly. */
class Struct {
  constructor(
    private readonly o: Obj,
    private readonly name: string,
    private readonly exact = false,
  ) {}

  private get(key: string): unknown {
    if (this.exact) return this.o[key];
    let found: unknown;
    for (const k of Object.keys(this.o)) if (k === key || k.toLowerCase() === key.toLowerCase()) found = this.o[k];
    return found;
  }

  private fail(key: string, x: unknown, goType: string): never {
    const into = this.exact ? 'Go value' : `Go struct field ${this.name}.${key}`;
    throw new DecodeError(`json: cannot unmarshal ${jsonType(x)} into ${into} of type ${goType}`);
  }

  str(key: string): string {
    const v = this.get(key);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') this.fail(key, v, 'string');
    return v;
  }

  bool(key: string): boolean {
    const v = this.get(key);
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(key, v, 'bool');
    return v;
  }

  int(key: string, goType: string): number {
    const v = this.get(key);
    if (v === undefined || v === null) return 0;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(key, v, goType);
    return v;
  }

  list<T>(key: string, goType: string, item: (x: unknown) => T | undefined): T[] {
    const v = this.get(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(key, v, goType);
    return v.map(item).filter((x): x is T => x !== undefined);
  }

  strings(key: string, goType: string): string[] {
    return this.list(key, goType, (x) => {
      if (x === null) return '';
      if (typeof x !== 'string') this.fail(key, x, 'string');
      return x;
    });
  }

  ptr<T>(key: string, decode: (x: unknown) => T): T | undefined {
    const v = this.get(key);
    return v === undefined || v === null ? undefined : decode(v);
  }

  raw(key: string): unknown {
    return this.get(key);
  }
}

function struct(x: unknown, name: string, exact = false): Struct {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) {
    throw new DecodeError(`json: cannot unmarshal ${jsonType(x)} into Go value of type ast.${name}`);
  }
  return new Struct(x as Obj, name, exact);
}

/** Slices of struct pointers: a null element is a nil pointer, which nothing downstream can use, so it is dropped. */
const each = <T>(decode: (x: unknown) => T) => (x: unknown): T | undefined => (x === null ? undefined : decode(x));

function typeRef(x: unknown): TypeRef {
  const s = struct(x, 'Type');
  return { namedType: s.str('NamedType'), elem: s.ptr('Elem', typeRef), nonNull: s.bool('NonNull') };
}

function value(x: unknown): GqlValue {
  const s = struct(x, 'Value');
  const child = (c: unknown): ChildValue => {
    const cs = struct(c, 'ChildValue');
    return { name: cs.str('Name'), value: cs.ptr('Value', value) };
  };
  return {
    raw: s.str('Raw'),
    children: s.list('Children', 'ast.ChildValueList', each(child)),
    kind: s.int('Kind', 'ast.ValueKind'),
    expectedTypeHasDefault: s.bool('ExpectedTypeHasDefault'),
  };
}

function argument(x: unknown): Argument {
  const s = struct(x, 'Argument');
  return { name: s.str('Name'), value: s.ptr('Value', value) };
}

function directive(x: unknown): Directive {
  const s = struct(x, 'Directive');
  return { name: s.str('Name'), arguments: s.list('Arguments', 'ast.ArgumentList', each(argument)), location: s.str('Location') };
}

function variableDefinition(x: unknown): VariableDefinition {
  const s = struct(x, 'VariableDefinition');
  return {
    variable: s.str('Variable'),
    type: s.ptr('Type', typeRef),
    defaultValue: s.ptr('DefaultValue', value),
    directives: s.list('Directives', 'ast.DirectiveList', each(directive)),
    used: s.bool('Used'),
  };
}

function selectionSet(x: unknown): Selection[] {
  if (x === undefined || x === null) return [];
  if (!Array.isArray(x)) throw new DecodeError(`json: cannot unmarshal ${jsonType(x)} into Go value of type []json.RawMessage`);
  const out: Selection[] = [];
  for (const item of x) {
    const sel = attempt(() => field(item)) ?? attempt(() => fragmentSpread(item)) ?? attempt(() => inlineFragment(item));
    if (sel) out.push(sel);
  }
  return out;
}

function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}

function field(x: unknown): Selection {
  if (x === null) return { kind: 'field', alias: '', name: '', arguments: [], directives: [], selectionSet: [] };
  const s = struct(x, 'Field', true);
  return {
    kind: 'field',
    alias: s.str('Alias'),
    name: s.str('Name'),
    arguments: s.list('Arguments', 'ast.ArgumentList', each(argument)),
    directives: s.list('Directives', 'ast.DirectiveList', each(directive)),
    selectionSet: selectionSet(s.raw('SelectionSet')),
  };
}

function fragmentSpread(x: unknown): Selection {
  const s = struct(x, 'FragmentSpread');
  return { kind: 'spread', name: s.str('Name'), directives: s.list('Directives', 'ast.DirectiveList', each(directive)) };
}

function inlineFragment(x: unknown): Selection {
  const s = struct(x, 'InlineFragment', true);
  return {
    kind: 'inline',
    typeCondition: s.str('TypeCondition'),
    directives: s.list('Directives', 'ast.DirectiveList', each(directive)),
    selectionSet: selectionSet(s.raw('SelectionSet')),
  };
}

function operation(x: unknown): OperationDefinition {
  const s = struct(x, 'OperationDefinition', true);
  return {
    operation: s.str('Operation'),
    name: s.str('Name'),
    variableDefinitions: s.list('VariableDefinitions', 'ast.VariableDefinitionList', each(variableDefinition)),
    directives: s.list('Directives', 'ast.DirectiveList', each(directive)),
    selectionSet: selectionSet(s.raw('SelectionSet')),
  };
}

function fragment(x: unknown): FragmentDefinition {
  const s = struct(x, 'FragmentDefinition', true);
  return {
    name: s.str('Name'),
    variableDefinition: s.list('VariableDefinition', 'ast.VariableDefinitionList', each(variableDefinition)),
    typeCondition: s.str('TypeCondition'),
    directives: s.list('Directives', 'ast.DirectiveList', each(directive)),
    selectionSet: selectionSet(s.raw('SelectionSet')),
  };
}

export function decodeQueryDocument(v: Value): QueryDocument {
  const s = struct(toJSON(v), 'QueryDocument');
  return {
    operations: s.list('Operations', 'ast.OperationList', each(operation)),
    fragments: s.list('Fragments', 'ast.FragmentDefinitionList', each(fragment)),
  };
}

function fieldDefinition(x: unknown): FieldDefinition {
  const s = struct(x, 'FieldDefinition');
  return {
    description: s.str('Description'),
    name: s.str('Name'),
    arguments: s.list('Arguments', 'ast.ArgumentDefinitionList', each(fieldDefinition)),
    defaultValue: s.ptr('DefaultValue', value),
    type: s.ptr('Type', typeRef),
    directives: s.list('Directives', 'ast.DirectiveList', each(directive)),
  };
}

function enumValue(x: unknown): EnumValueDefinition {
  const s = struct(x, 'EnumValueDefinition');
  return { description: s.str('Description'), name: s.str('Name'), directives: s.list('Directives', 'ast.DirectiveList', each(directive)) };
}

function definition(x: unknown): Definition {
  const s = struct(x, 'Definition');
  return {
    kind: s.str('Kind'),
    description: s.str('Description'),
    name: s.str('Name'),
    directives: s.list('Directives', 'ast.DirectiveList', each(directive)),
    interfaces: s.strings('Interfaces', '[]string'),
    fields: s.list('Fields', 'ast.FieldList', each(fieldDefinition)),
    types: s.strings('Types', '[]string'),
    enumValues: s.list('EnumValues', 'ast.EnumValueList', each(enumValue)),
    builtIn: s.bool('BuiltIn'),
  };
}

function directiveDefinition(x: unknown): DirectiveDefinition {
  const s = struct(x, 'DirectiveDefinition');
  return {
    description: s.str('Description'),
    name: s.str('Name'),
    arguments: s.list('Arguments', 'ast.ArgumentDefinitionList', each(fieldDefinition)),
    locations: s.strings('Locations', '[]ast.DirectiveLocation'),
    isRepeatable: s.bool('IsRepeatable'),
  };
}

function schemaDefinition(x: unknown): SchemaDefinition {
  const s = struct(x, 'SchemaDefinition');
  return {
    description: s.str('Description'),
    directives: s.list('Directives', 'ast.DirectiveList', each(directive)),
    operationTypes: s.list('OperationTypes', 'ast.OperationTypeDefinitionList', each((o) => {
      const os = struct(o, 'OperationTypeDefinition');
      return { operation: os.str('Operation'), type: os.str('Type') };
    })),
  };
}

export function decodeSchemaDocument(v: Value): SchemaDocument {
  const s = struct(toJSON(v), 'SchemaDocument');
  return {
    schema: s.list('Schema', 'ast.SchemaDefinitionList', each(schemaDefinition)),
    schemaExtension: s.list('SchemaExtension', 'ast.SchemaDefinitionList', each(schemaDefinition)),
    directives: s.list('Directives', 'ast.DirectiveDefinitionList', each(directiveDefinition)),
    definitions: s.list('Definitions', 'ast.DefinitionList', each(definition)),
    extensions: s.list('Extensions', 'ast.DefinitionList', each(definition)),
  };
}
