/**
 * gqlparser's ValidateSchemaDocument: merges the prelude with a schema document, applies type extensions (creating
 * the type when only an extension exists, as gqlparser does for federation), checks the type system rules, and
 * yields the schema that query validation runs against. The parsed document is copied, never changed.
 */
import type { ArgumentDefinition, Definition, Directive, DirectiveDefinition, Position, SchemaDocument, TypeRef } from './ast.js';
import { emptyDefinition, isCompatible, typeName, typeString } from './ast.js';
import { GqlError } from './errors.js';
import { PRELUDE } from './prelude.js';
import { parseSchema } from './schema-parser.js';

export interface Schema {
  query?: Definition;
  mutation?: Definition;
  subscription?: Definition;
  readonly types: Map<string, Definition>;
  readonly directives: Map<string, DirectiveDefinition>;
  readonly possibleTypes: Map<string, Definition[]>;
}

let prelude: SchemaDocument | undefined;

function preludeDocument(): SchemaDocument {
  if (!prelude) {
    const parsed = parseSchema(PRELUDE, true);
    if (!parsed.doc) throw new Error(`GraphQL prelude does not parse: ${parsed.err?.message}`);
    prelude = parsed.doc;
  }
  return prelude;
}

const copyDefinition = (d: Definition): Definition => ({
  ...d,
  directives: [...d.directives],
  interfaces: [...d.interfaces],
  fields: [...d.fields],
  types: [...d.types],
  enumValues: [...d.enumValues],
});

const KIND_LOCATION: Record<string, string> = {
  SCALAR: 'SCALAR',
  OBJECT: 'OBJECT',
  INTERFACE: 'INTERFACE',
  UNION: 'UNION',
  ENUM: 'ENUM',
  INPUT_OBJECT: 'INPUT_OBJECT',
};

export function buildSchema(userDoc: SchemaDocument): Schema {
  const base = preludeDocument();
  const definitions = [...base.definitions, ...userDoc.definitions].map(copyDefinition);
  const schema: Schema = { types: new Map(), directives: new Map(), possibleTypes: new Map() };
  const fail = (pos: Position | undefined, message: string): never => {
    throw new GqlError(message, pos);
  };

  for (const def of definitions) {
    if (schema.types.has(def.name)) fail(def.position, `Cannot redeclare type ${def.name}.`);
    schema.types.set(def.name, def);
  }
  for (const ext of [...base.extensions, ...userDoc.extensions]) {
    let def = schema.types.get(ext.name);
    if (!def) {
      def = emptyDefinition(ext.kind, ext.name, ext.position);
      schema.types.set(ext.name, def);
      definitions.push(def);
    }
    if (def.kind !== ext.kind) fail(ext.position, `Cannot extend type ${ext.name} because the base type is a ${def.kind}, not ${ext.kind}.`);
    def.directives.push(...ext.directives);
    def.interfaces.push(...ext.interfaces);
    def.fields.push(...ext.fields);
    def.types.push(...ext.types);
    def.enumValues.push(...ext.enumValues);
  }
  const addPossible = (name: string, def: Definition | undefined) => {
    if (!def) return;
    const list = schema.possibleTypes.get(name) ?? [];
    list.push(def);
    schema.possibleTypes.set(name, list);
  };
  for (const def of definitions) {
    if (def.kind === 'UNION') {
      for (const t of def.types) addPossible(def.name, schema.types.get(t));
    } else if (def.kind === 'OBJECT' || def.kind === 'INPUT_OBJECT') {
      for (const intf of def.interfaces) addPossible(intf, def);
      addPossible(def.name, def);
    }
  }

  for (const dir of [...base.directives, ...userDoc.directives]) {
    if (schema.directives.has(dir.name)) fail(dir.position, `Cannot redeclare directive ${dir.name}.`);
    schema.directives.set(dir.name, dir);
  }

  if (userDoc.schema.length > 1) fail(userDoc.schema[1]!.position, 'Cannot have multiple schema entry points, consider schema extensions instead.');
  const schemaDirectives: Directive[] = [];
  for (const entry of [...userDoc.schema, ...userDoc.schemaExtension]) {
    schemaDirectives.push(...entry.directives);
    for (const op of entry.operationTypes) {
      const def = schema.types.get(op.type) ?? fail(op.position, `Schema root ${op.operation} refers to a type ${op.type} that does not exist.`);
      if (op.operation === 'query') schema.query = def;
      else if (op.operation === 'mutation') schema.mutation = def;
      else if (op.operation === 'subscription') schema.subscription = def;
    }
  }

  for (const def of schema.types.values()) validateDefinition(schema, def);
  for (const dir of schema.directives.values()) {
    validateName(dir.position, dir.name);
    validateArgs(schema, dir.arguments, dir);
  }
  validateDirectives(schema, schemaDirectives, 'SCHEMA');

  schema.query ??= schema.types.get('Query');
  schema.mutation ??= schema.types.get('Mutation');
  schema.subscription ??= schema.types.get('Subscription');
  schema.query?.fields.push(
    { description: '', name: '__schema', arguments: [], type: { namedType: '__Schema', nonNull: true }, directives: [] },
    {
      description: '',
      name: '__type',
      arguments: [{ description: '', name: 'name', type: { namedType: 'String', nonNull: true }, directives: [] }],
      type: { namedType: '__Type', nonNull: false },
      directives: [],
    },
  );
  return schema;
}

const isInputKind = (k: string) => k === 'SCALAR' || k === 'ENUM' || k === 'INPUT_OBJECT';

function validateName(pos: Position | undefined, name: string): void {
  if (name.startsWith('__')) throw new GqlError(`Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`, pos);
}

function validateTypeRef(schema: Schema, t: TypeRef | undefined): void {
  if (!schema.types.has(typeName(t))) throw new GqlError(`Undefined type ${typeName(t)}.`, t?.position);
}

function validateArgs(schema: Schema, args: readonly ArgumentDefinition[], current?: DirectiveDefinition): void {
  for (const arg of args) {
    validateName(arg.position, arg.name);
    validateTypeRef(schema, arg.type);
    const def = schema.types.get(typeName(arg.type))!;
    if (!isInputKind(def.kind)) {
      throw new GqlError(`cannot use ${typeString(arg.type)} as argument ${arg.name} because ${def.kind} is not a valid input type`, arg.position);
    }
    validateDirectives(schema, arg.directives, 'ARGUMENT_DEFINITION', current);
  }
}

function validateDirectives(schema: Schema, dirs: readonly Directive[], location: string, current?: DirectiveDefinition): void {
  for (const dir of dirs) {
    validateName(dir.position, dir.name);
    if (current && dir.name === current.name) throw new GqlError(`Directive ${current.name} cannot refer to itself.`, dir.position);
    const def = schema.directives.get(dir.name);
    if (!def) throw new GqlError(`Undefined directive ${dir.name}.`, dir.position);
    if (!def.locations.includes(location)) throw new GqlError(`Directive ${dir.name} is not applicable on ${location}.`, dir.position);
  }
}

function validateDefinition(schema: Schema, def: Definition): void {
  const fieldLocation = def.kind === 'INPUT_OBJECT' ? 'INPUT_FIELD_DEFINITION' : 'FIELD_DEFINITION';
  for (const field of def.fields) {
    validateName(field.position, field.name);
    validateTypeRef(schema, field.type);
    validateArgs(schema, field.arguments);
    validateDirectives(schema, field.directives, fieldLocation);
  }
  for (const t of def.types) {
    const member = schema.types.get(t);
    if (!member) throw new GqlError(`Undefined type ${JSON.stringify(t)}.`, def.position);
    if (member.kind !== 'OBJECT') throw new GqlError(`${def.kind} type ${JSON.stringify(t)} must be OBJECT.`, def.position);
  }
  for (const intf of def.interfaces) {
    validateImplements(schema, def, intf);
    validateImplementsAncestors(schema, def, intf);
  }
  const fieldKinds = (allowed: string[]) => {
    for (const field of def.fields) {
      const t = schema.types.get(typeName(field.type));
      if (t && !allowed.includes(t.kind)) throw new GqlError(`${def.kind} field must be one of ${allowed.join(', ')}.`, field.position);
    }
  };
  switch (def.kind) {
    case 'OBJECT':
    case 'INTERFACE':
      if (def.fields.length === 0) throw new GqlError(`${def.kind} must define one or more fields.`, def.position);
      fieldKinds(['SCALAR', 'OBJECT', 'INTERFACE', 'UNION', 'ENUM']);
      break;
    case 'ENUM':
      if (def.enumValues.length === 0) throw new GqlError(`${def.kind} must define one or more unique enum values.`, def.position);
      break;
    case 'INPUT_OBJECT':
      if (def.fields.length === 0) throw new GqlError(`${def.kind} must define one or more input fields.`, def.position);
      fieldKinds(['SCALAR', 'ENUM', 'INPUT_OBJECT']);
      break;
  }
  const seen = new Set<string>();
  for (const field of def.fields) {
    if (seen.has(field.name)) throw new GqlError(`Field ${def.name}.${field.name} can only be defined once.`, field.position);
    seen.add(field.name);
  }
  if (!def.builtIn) validateName(def.position, def.name);
  const location = KIND_LOCATION[def.kind];
  if (location) validateDirectives(schema, def.directives, location);
}

function validateImplements(schema: Schema, def: Definition, intfName: string): void {
  const intf = schema.types.get(intfName);
  if (!intf) throw new GqlError(`Undefined type ${JSON.stringify(intfName)}.`, def.position);
  if (intf.kind !== 'INTERFACE') throw new GqlError(`${JSON.stringify(intfName)} is a non interface type ${intf.kind}.`, def.position);
  for (const required of intf.fields) {
    const found = def.fields.find((f) => f.name === required.name);
    if (!found) throw new GqlError(`For ${def.name} to implement ${intf.name} it must have a field called ${required.name}.`, def.position);
    if (!isCovariant(schema, required.type, found.type)) {
      throw new GqlError(`For ${def.name} to implement ${intf.name} the field ${required.name} must have type ${typeString(required.type)}.`, found.position);
    }
    for (const requiredArg of required.arguments) {
      const foundArg = found.arguments.find((a) => a.name === requiredArg.name);
      if (!foundArg) {
        throw new GqlError(`For ${def.name} to implement ${intf.name} the field ${required.name} must have the same arguments but it is missing ${requiredArg.name}.`, found.position);
      }
      if (!requiredArg.type || !foundArg.type || !isCompatible(requiredArg.type, foundArg.type)) {
        throw new GqlError(`For ${def.name} to implement ${intf.name} the field ${required.name} must have the same arguments but ${requiredArg.name} has the wrong type.`, foundArg.position);
      }
    }
    for (const arg of found.arguments) {
      if (!required.arguments.some((a) => a.name === arg.name) && arg.type?.nonNull && !arg.defaultValue) {
        throw new GqlError(
          `For ${def.name} to implement ${intf.name} any additional arguments on ${found.name} must be optional or have a default value but ${arg.name} is required.`,
          arg.position,
        );
      }
    }
  }
}

/** A type must also declare every interface its interfaces implement. */
function validateImplementsAncestors(schema: Schema, def: Definition, intfName: string): void {
  const intf = schema.types.get(intfName)!;
  for (const transitive of intf.interfaces) {
    if (def.interfaces.includes(transitive)) continue;
    throw new GqlError(
      transitive === def.name
        ? `Type ${def.name} cannot implement ${intfName} because it would create a circular reference.`
        : `Type ${def.name} must implement ${transitive} because it is implemented by ${intfName}.`,
      def.position,
    );
  }
}

function isCovariant(schema: Schema, required: TypeRef | undefined, actual: TypeRef | undefined): boolean {
  if (!required || !actual) return false;
  if (required.nonNull && !actual.nonNull) return false;
  if (required.namedType !== '') {
    if (required.namedType === actual.namedType) return true;
    return (schema.possibleTypes.get(required.namedType) ?? []).some((pt) => pt.name === actual.namedType);
  }
  if (required.elem && !actual.elem) return false;
  return isCovariant(schema, required.elem, actual.elem);
}
