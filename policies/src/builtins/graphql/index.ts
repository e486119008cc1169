/**
 * graphql.* builtins, with OPA's results and error texts: documents come back as gqlparser's AST (pruned the way
 * OPA prunes it), and may be passed back in that form. Parse and validation errors read
 * `<message> in GraphQL string at location L:C`.
 */
import type { QueryDocument, SchemaDocument } from './ast.js';
import { DecodeError, decodeQueryDocument, decodeSchemaDocument } from './decode.js';
import { queryDocumentValue, schemaDocumentValue } from './encode.js';
import { GqlError, listText, opaMessage } from './errors.js';
import { parseQuery } from './parser.js';
import { buildSchema, type Schema } from './schema.js';
import { parseSchema } from './schema-parser.js';
import { validateQuery } from './validate.js';
import { BuiltinError, OperandTypeError } from '../errors.js';
import { ARRAY, BOOLEAN, OBJECT, STRING, arg, stringOperand } from '../operands.js';
import type { BuiltinContext, BuiltinDef, BuiltinType } from '../types.js';
import { RObject, isObject, typeName, type Value } from '../../values.js';

const STRING_OR_OBJECT: BuiltinType = { kind: 'any', of: [STRING, OBJECT] };

/** A parse, decode or validation failure, already in OPA's words; some builtins report it, others answer "not valid". */
class Failure extends Error {}

/** Schemas parsed and built recently, per engine; bounded like OPA's graphql cache, so varying schemas cannot pile up. */
const CACHE_ENTRIES = 16;

function cached<T>(ctx: BuiltinContext, key: string, compute: () => T): T {
  let store = ctx.sharedCache.get('graphql') as Map<string, unknown> | undefined;
  if (!store) ctx.sharedCache.set('graphql', (store = new Map()));
  if (store.has(key)) {
    const hit = store.get(key) as T;
    store.delete(key);
    store.set(key, hit);
    return hit;
  }
  const v = compute();
  store.set(key, v);
  if (store.size > CACHE_ENTRIES) store.delete(store.keys().next().value!);
  return v;
}

function parsedQuery(text: string): QueryDocument {
  const { doc, err } = parseQuery(text);
  if (err) throw new Failure(opaMessage(err.text()));
  return doc;
}

function parsedSchema(ctx: BuiltinContext, text: string): SchemaDocument {
  const result = cached(ctx, 'doc:' + text, () => parseSchema(text));
  if (!result.doc) throw new Failure(opaMessage(result.err!.text()));
  return result.doc;
}

/** OPA's own operand check in these builtins counts from 0 (its message says "operand 0" for the first). */
function documentOperand<T>(v: Value, pos: number, fromText: (s: string) => T, fromObject: (o: Value) => T): T {
  if (typeof v === 'string') return fromText(v);
  if (isObject(v)) {
    try {
      return fromObject(v);
    } catch (e) {
      if (e instanceof DecodeError) throw new Failure(e.message);
      throw e;
    }
  }
  throw new OperandTypeError(`operand ${pos} must be one of {string, object} but got ${typeName(v)}`);
}

function querySource(v: Value): QueryDocument {
  return documentOperand(v, 0, parsedQuery, decodeQueryDocument);
}

function schemaSource(ctx: BuiltinContext, v: Value): SchemaDocument {
  return documentOperand(v, 1, (s) => parsedSchema(ctx, s), decodeSchemaDocument);
}

function builtSchema(ctx: BuiltinContext, source: Value, doc: SchemaDocument): Schema {
  const build = (): Schema | GqlError => {
    try {
      return buildSchema(doc);
    } catch (e) {
      if (e instanceof GqlError) return e;
      throw e;
    }
  };
  const result = typeof source === 'string' ? cached(ctx, 'schema:' + source, build) : build();
  if (result instanceof GqlError) throw new Failure(`Error in gqlparser SchemaDocument to Schema conversion: ${result.text()}`);
  return result;
}

function verify(schema: Schema, doc: QueryDocument): void {
  const errors = validateQuery(schema, doc);
  if (errors.length) throw new Failure(opaMessage(listText(errors)));
}

/** Parses and validates; returns the query and schema ASTs as values. */
function parseAndValidate(args: readonly Value[], ctx: BuiltinContext): [Value, Value] {
  const query = querySource(args[0]!);
  const schemaDoc = schemaSource(ctx, args[1]!);
  const schemaValue = schemaDocumentValue(schemaDoc);
  verify(builtSchema(ctx, args[1]!, schemaDoc), query);
  return [queryDocumentValue(query), schemaValue];
}

/**
 * Runs `f`, turning a stack overflow on pathologically nested input into a failure: gqlparser (with Go's growable
 * stacks) would get through it, but the answer here can only be "cannot process".
 */
function guarded<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError && /call stack/.test(e.message)) throw new Failure('GraphQL document nests too deeply to process');
    throw e;
  }
}

/** Runs `f`; a failure becomes `fallback` (for the builtins that answer instead of erroring). */
function orElse<T>(f: () => T, fallback: T): T {
  try {
    return guarded(f);
  } catch (e) {
    if (e instanceof Failure || e instanceof OperandTypeError) return fallback;
    throw e;
  }
}

/** Turns failures into builtin errors for the builtins that report them. */
function reporting<T>(f: () => T): T {
  try {
    return guarded(f);
  } catch (e) {
    if (e instanceof Failure) throw new BuiltinError(e.message);
    throw e;
  }
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'graphql.parse', args: [arg('query', STRING_OR_OBJECT), arg('schema', STRING_OR_OBJECT)], result: ARRAY, categories: ['graphql'] },
    impl: (args, ctx) => reporting(() => parseAndValidate(args, ctx)),
  },
  {
    decl: { name: 'graphql.parse_and_verify', args: [arg('query', STRING_OR_OBJECT), arg('schema', STRING_OR_OBJECT)], result: ARRAY, categories: ['graphql'] },
    impl: (args, ctx) => orElse<Value>(() => [true, ...parseAndValidate(args, ctx)], [false, new RObject(), new RObject()]),
  },
  {
    decl: { name: 'graphql.parse_query', args: [arg('query', STRING)], result: OBJECT, categories: ['graphql'] },
    impl: (args) => reporting(() => queryDocumentValue(parsedQuery(stringOperand(args, 1)))),
  },
  {
    decl: { name: 'graphql.parse_schema', args: [arg('schema', STRING)], result: OBJECT, categories: ['graphql'] },
    impl: (args, ctx) => reporting(() => schemaDocumentValue(parsedSchema(ctx, stringOperand(args, 1)))),
  },
  {
    decl: { name: 'graphql.is_valid', args: [arg('query', STRING_OR_OBJECT), arg('schema', STRING_OR_OBJECT)], result: BOOLEAN, categories: ['graphql'] },
    impl: (args, ctx) =>
      orElse(() => {
        const query = querySource(args[0]!);
        verify(builtSchema(ctx, args[1]!, schemaSource(ctx, args[1]!)), query);
        return true;
      }, false),
  },
  {
    decl: { name: 'graphql.schema_is_valid', args: [arg('schema', STRING_OR_OBJECT)], result: BOOLEAN, categories: ['graphql'] },
    impl: (args, ctx) =>
      orElse(() => {
        builtSchema(ctx, args[0]!, documentOperand(args[0]!, 0, (s) => parsedSchema(ctx, s), decodeSchemaDocument));
        return true;
      }, false),
  },
];
