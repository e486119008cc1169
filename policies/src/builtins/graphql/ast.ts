/**
 * The GraphQL AST in the shape of vektah/gqlparser's Go structs, because OPA returns those structs (as JSON) to
 * policies and accepts them back as operands. Fields the validator fills in (definitions, expected types) are kept
 * apart from what the parser produces so the parsed document never changes under validation.
 */

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** gqlparser's ValueKind numbering, which OPA exposes as the `Kind` of a value. */
export const ValueKind = {
  Variable: 0,
  Int: 1,
  Float: 2,
  String: 3,
  Block: 4,
  Boolean: 5,
  Null: 6,
  Enum: 7,
  List: 8,
  Object: 9,
} as const;

export interface TypeRef {
  namedType: string;
  elem?: TypeRef;
  nonNull: boolean;
  position?: Position;
}

export interface ChildValue {
  name: string;
  value?: GqlValue;
  position?: Position;
}

export interface GqlValue {
  raw: string;
  children: ChildValue[];
  kind: number;
  position?: Position;
  expectedTypeHasDefault: boolean;
}

export interface Argument {
  name: string;
  value?: GqlValue;
  position?: Position;
}

export interface Directive {
  name: string;
  arguments: Argument[];
  location: string;
  position?: Position;
}

export interface VariableDefinition {
  variable: string;
  type?: TypeRef;
  defaultValue?: GqlValue;
  directives: Directive[];
  used: boolean;
  position?: Position;
}

export interface Field {
  kind: 'field';
  alias: string;
  name: string;
  arguments: Argument[];
  directives: Directive[];
  selectionSet: Selection[];
  position?: Position;
}

export interface FragmentSpread {
  kind: 'spread';
  name: string;
  directives: Directive[];
  position?: Position;
}

export interface InlineFragment {
  kind: 'inline';
  typeCondition: string;
  directives: Directive[];
  selectionSet: Selection[];
  position?: Position;
}

export type Selection = Field | FragmentSpread | InlineFragment;

export interface OperationDefinition {
  operation: string;
  name: string;
  variableDefinitions: VariableDefinition[];
  directives: Directive[];
  selectionSet: Selection[];
  position?: Position;
}

export interface FragmentDefinition {
  name: string;
  variableDefinition: VariableDefinition[];
  typeCondition: string;
  directives: Directive[];
  selectionSet: Selection[];
  position?: Position;
}

export interface QueryDocument {
  operations: OperationDefinition[];
  fragments: FragmentDefinition[];
}

export interface ArgumentDefinition {
  description: string;
  name: string;
  defaultValue?: GqlValue;
  type?: TypeRef;
  directives: Directive[];
  position?: Position;
}

export interface FieldDefinition {
  description: string;
  name: string;
  arguments: ArgumentDefinition[];
  defaultValue?: GqlValue;
  type?: TypeRef;
  directives: Directive[];
  position?: Position;
}

export interface EnumValueDefinition {
  description: string;
  name: string;
  directives: Directive[];
  position?: Position;
}

export type DefinitionKind = 'SCALAR' | 'OBJECT' | 'INTERFACE' | 'UNION' | 'ENUM' | 'INPUT_OBJECT' | string;

export interface Definition {
  kind: DefinitionKind;
  description: string;
  name: string;
  directives: Directive[];
  interfaces: string[];
  fields: FieldDefinition[];
  types: string[];
  enumValues: EnumValueDefinition[];
  builtIn: boolean;
  position?: Position;
}

export interface DirectiveDefinition {
  description: string;
  name: string;
  arguments: ArgumentDefinition[];
  locations: string[];
  isRepeatable: boolean;
  position?: Position;
}

export interface OperationTypeDefinition {
  operation: string;
  type: string;
  position?: Position;
}

export interface SchemaDefinition {
  description: string;
  directives: Directive[];
  operationTypes: OperationTypeDefinition[];
  position?: Position;
}

export interface SchemaDocument {
  schema: SchemaDefinition[];
  schemaExtension: SchemaDefinition[];
  directives: DirectiveDefinition[];
  definitions: Definition[];
  extensions: Definition[];
}

export const emptyDefinition = (kind: DefinitionKind, name: string, position?: Position): Definition => ({
  kind,
  description: '',
  name,
  directives: [],
  interfaces: [],
  fields: [],
  types: [],
  enumValues: [],
  builtIn: false,
  position,
});

/** The innermost named type: `[Foo!]!` → `Foo`. */
export function typeName(t: TypeRef | undefined): string {
  if (!t) return '';
  return t.elem ? typeName(t.elem) : t.namedType;
}

/** gqlparser's Type.String(): `[Foo!]!`. */
export function typeString(t: TypeRef | undefined): string {
  if (!t) return '<nil>';
  const base = t.elem ? `[${typeString(t.elem)}]` : t.namedType;
  return t.nonNull ? base + '!' : base;
}

/** gqlparser's Type.IsCompatible: may a value of type `t` be used where `other` is expected? */
export function isCompatible(t: TypeRef, other: TypeRef): boolean {
  if (t.namedType !== other.namedType) return false;
  if (t.elem && !other.elem) return false;
  if (t.elem && !isCompatible(t.elem, other.elem!)) return false;
  if (other.nonNull) return t.nonNull;
  return true;
}

function quoteGo(s: string): string {
  return JSON.stringify(s);
}

/** gqlparser's Value.String(), used in validation messages. */
export function valueString(v: GqlValue | undefined): string {
  if (!v) return '<nil>';
  switch (v.kind) {
    case ValueKind.Variable:
      return '$' + v.raw;
    case ValueKind.String:
    case ValueKind.Block:
      return quoteGo(v.raw);
    case ValueKind.List:
      return '[' + v.children.map((c) => valueString(c.value)).join(', ') + ']';
    case ValueKind.Object:
      return '{' + v.children.map((c) => `${c.name}: ${valueString(c.value)}`).join(', ') + '}';
    default:
      return v.raw;
  }
}
