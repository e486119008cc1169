/**
 * AST → Rego value as OPA builds it: the Go structs' JSON (field names as in gqlparser), then
 * pruneIrrelevantGraphQLASTNodes, which drops nulls, empty arrays and objects, and `Position`.
 */
import type {
  Argument,
  ArgumentDefinition,
  Definition,
  Directive,
  DirectiveDefinition,
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
import { RObject, type Value } from '../../values.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const typeJSON = (t: TypeRef | undefined): Json => (t ? { NamedType: t.namedType, Elem: typeJSON(t.elem), NonNull: t.nonNull } : null);

const valueJSON = (v: GqlValue | undefined): Json =>
  v
    ? {
        Raw: v.raw,
        Children: v.children.map((c) => ({ Name: c.name, Value: valueJSON(c.value) })),
        Kind: v.kind,
        ExpectedTypeHasDefault: v.expectedTypeHasDefault,
      }
    : null;

const argumentJSON = (a: Argument): Json => ({ Name: a.name, Value: valueJSON(a.value) });

const directiveJSON = (d: Directive): Json => ({ Name: d.name, Arguments: d.arguments.map(argumentJSON), Location: d.location });

const variableJSON = (v: VariableDefinition): Json => ({
  Variable: v.variable,
  Type: typeJSON(v.type),
  DefaultValue: valueJSON(v.defaultValue),
  Directives: v.directives.map(directiveJSON),
  Used: v.used,
});

function selectionJSON(s: Selection): Json {
  const directives = s.directives.map(directiveJSON);
  switch (s.kind) {
    case 'field':
      return { Alias: s.alias, Name: s.name, Arguments: s.arguments.map(argumentJSON), Directives: directives, SelectionSet: s.selectionSet.map(selectionJSON) };
    case 'spread':
      return { Name: s.name, Directives: directives };
    case 'inline':
      return { TypeCondition: s.typeCondition, Directives: directives, SelectionSet: s.selectionSet.map(selectionJSON) };
  }
}

const operationJSON = (o: OperationDefinition): Json => ({
  Operation: o.operation,
  Name: o.name,
  VariableDefinitions: o.variableDefinitions.map(variableJSON),
  Directives: o.directives.map(directiveJSON),
  SelectionSet: o.selectionSet.map(selectionJSON),
});

const fragmentJSON = (f: FragmentDefinition): Json => ({
  Name: f.name,
  VariableDefinition: f.variableDefinition.map(variableJSON),
  TypeCondition: f.typeCondition,
  Directives: f.directives.map(directiveJSON),
  SelectionSet: f.selectionSet.map(selectionJSON),
});

const argumentDefinitionJSON = (a: ArgumentDefinition): Json => ({
  Description: a.description,
  Name: a.name,
  DefaultValue: valueJSON(a.defaultValue),
  Type: typeJSON(a.type),
  Directives: a.directives.map(directiveJSON),
});

const fieldDefinitionJSON = (f: FieldDefinition): Json => ({
  Description: f.description,
  Name: f.name,
  Arguments: f.arguments.map(argumentDefinitionJSON),
  DefaultValue: valueJSON(f.defaultValue),
  Type: typeJSON(f.type),
  Directives: f.directives.map(directiveJSON),
});

const definitionJSON = (d: Definition): Json => ({
  Kind: d.kind,
  Description: d.description,
  Name: d.name,
  Directives: d.directives.map(directiveJSON),
  Interfaces: d.interfaces,
  Fields: d.fields.map(fieldDefinitionJSON),
  Types: d.types,
  EnumValues: d.enumValues.map((e) => ({ Description: e.description, Name: e.name, Directives: e.directives.map(directiveJSON) })),
  BuiltIn: d.builtIn,
});

const directiveDefinitionJSON = (d: DirectiveDefinition): Json => ({
  Description: d.description,
  Name: d.name,
  Arguments: d.arguments.map(argumentDefinitionJSON),
  Locations: d.locations,
  IsRepeatable: d.isRepeatable,
});

const schemaDefinitionJSON = (s: SchemaDefinition): Json => ({
  Description: s.description,
  Directives: s.directives.map(directiveJSON),
  OperationTypes: s.operationTypes.map((o) => ({ Operation: o.operation, Type: o.type })),
});

/** Drops what OPA's pruner drops; `undefined` means "leave out". */
function prune(x: Json): Value | undefined {
  if (x === null) return undefined;
  if (Array.isArray(x)) {
    const items = x.map(prune).filter((v): v is Value => v !== undefined && !isEmpty(v));
    return items;
  }
  if (typeof x === 'object') {
    const out = new RObject();
    for (const [k, v] of Object.entries(x)) {
      if (k === 'Position') continue;
      const p = prune(v);
      if (p !== undefined && !isEmpty(p)) out.set(k, p);
    }
    return out;
  }
  return x;
}

const isEmpty = (v: Value) => (Array.isArray(v) ? v.length === 0 : v instanceof RObject && v.size === 0);

export function queryDocumentValue(doc: QueryDocument): Value {
  return prune({ Operations: doc.operations.map(operationJSON), Fragments: doc.fragments.map(fragmentJSON) })!;
}

export function schemaDocumentValue(doc: SchemaDocument): Value {
  return prune({
    Schema: doc.schema.map(schemaDefinitionJSON),
    SchemaExtension: doc.schemaExtension.map(schemaDefinitionJSON),
    Directives: doc.directives.map(directiveDefinitionJSON),
    Definitions: doc.definitions.map(definitionJSON),
    Extensions: doc.extensions.map(definitionJSON),
  })!;
}
