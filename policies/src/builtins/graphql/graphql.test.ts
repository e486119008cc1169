import { describe, expect, it } from 'vitest';
import { decodeQueryDocument } from './decode.js';
import { queryDocumentValue } from './encode.js';
import { listText, opaMessage } from './errors.js';
import { blockStringValue } from './lexer.js';
import { parseQuery } from './parser.js';
import { buildSchema } from './schema.js';
import { parseSchema } from './schema-parser.js';
import { validateQuery } from './validate.js';
import { Engine } from '../../index.js';
import { RObject, toJSON } from '../../values.js';

const SCHEMA = `
  enum DogCommand { SIT, HEEL, DOWN }
  input ComplexInput { requiredField: Boolean!, intField: Int }
  input OneOfInput @oneOf { stringField: String, intField: Int }
  type Dog {
    name: String
    barks: Boolean
    doesKnowCommand(dogCommand: DogCommand): Boolean
    withDefault(count: Int! = 1): Int
  }
  type Query {
    dog: Dog
    dogs(first: Int!): [Dog]
    complex(arg: ComplexInput, one: OneOfInput): String
    name(text: String): String
  }
  type Subscription { a: String, b: String }
`;

function schemaOf(text: string) {
  const { doc, err } = parseSchema(text);
  if (!doc) throw err;
  return buildSchema(doc);
}

function errorsOf(query: string, schema = SCHEMA): string[] {
  const { doc, err } = parseQuery(query);
  if (err) throw err;
  return validateQuery(schemaOf(schema), doc).map((e) => e.text());
}

describe('graphql lexer and parser', () => {
  it('reports lexing errors as gqlparser does, located in code points', () => {
    expect(parseQuery('{ f(a: "ਊ\\x") }').err?.text()).toBe('input:1:11: Unexpected <Invalid>');
    expect(parseQuery('{ ਊ }').err?.text()).toBe('input:1:3: Expected Name, found <Invalid>');
    expect(parseQuery('{ f(a: 012) }').err?.text()).toBe('input:1:9: Unexpected <Invalid>');
    expect(parseQuery("{ f(a: 'x') }").err?.text()).toBe('input:1:8: Unexpected <Invalid>');
  });

  it('dedents block strings and decodes escapes', () => {
    const { doc } = parseQuery('{ f(a: """\n    one\n      two\n    """, b: "\\u00e9\\n") }');
    const field = doc.operations[0]!.selectionSet[0]!;
    expect(field.kind === 'field' && field.arguments.map((a) => a.value!.raw)).toEqual(['one\n  two', 'é\n']);
    // gqlparser counts the first line's indentation too, so text right after the quotes keeps the rest indented.
    expect(blockStringValue('a\n    b')).toBe('a\n    b');
  });

  it('rejects an empty selection set and a bare fragment keyword', () => {
    expect(parseQuery('{ f {} }').err?.text()).toBe('input:1:6: expected at least one definition, found }');
    expect(parseQuery('fragment').err?.text()).toBe('input:1:9: Expected Name, found <EOF>');
  });
});

describe('graphql schema validation', () => {
  const fails = (text: string) => {
    try {
      schemaOf(text);
      return undefined;
    } catch (e) {
      return (e as { text(): string }).text();
    }
  };

  it('accepts extensions of types it has not seen and fills in the root types by name', () => {
    expect(fails('extend type Query { a: Int }')).toBeUndefined();
    expect(schemaOf('type Query { a: Int }').query?.fields.map((f) => f.name)).toEqual(['a', '__schema', '__type']);
  });

  it('reports broken type systems', () => {
    expect(fails('type Query { a: Foo }')).toBe('input:1:17: Undefined type Foo.');
    expect(fails('type A { a: Int }\ntype A { b: Int }')).toBe('input:2:6: Cannot redeclare type A.');
    expect(fails('scalar A\nextend type A @deprecated')).toMatch(/Cannot extend type A because the base type is a SCALAR, not OBJECT\./);
    expect(fails('type Query { a(x: Query): Int }')).toBe('input:1:16: cannot use Query as argument x because OBJECT is not a valid input type');
    expect(fails('interface I { a: Int }\ntype T implements I { b: Int }')).toBe('input:2:6: For T to implement I it must have a field called a.');
    expect(fails('type T { a: Int @include(if: true) }')).toBe('input:1:18: Directive include is not applicable on FIELD_DEFINITION.');
  });
});

describe('graphql query validation', () => {
  it('accepts a well-formed query', () => {
    expect(errorsOf('query Q($c: DogCommand = SIT) { dog { name doesKnowCommand(dogCommand: $c) } }')).toEqual([]);
  });

  it('uses gqlparser wording for common mistakes', () => {
    expect(errorsOf('{ dog { nam } }')).toEqual(['input:1:9: Cannot query field "nam" on type "Dog". Did you mean "name"?']);
    expect(errorsOf('{ dogs { name } }')).toEqual(['input:1:3: Field "dogs" argument "first" of type "Int!" is required, but it was not provided.']);
    expect(errorsOf('{ dog }')).toEqual(['input:1:3: Field "dog" of type "Dog" must have a selection of subfields. Did you mean "dog { ... }"?']);
    expect(errorsOf('{ dog { doesKnowCommand(dogCommand: sit) } }')).toEqual([
      'input:1:37: Value "sit" does not exist in "DogCommand" enum. Did you mean the enum value "SIT"?',
    ]);
    expect(errorsOf('query ($x: Int) { name }')).toEqual(['input:1:8: Variable "$x" is never used.']);
    expect(errorsOf('{ complex(arg: { intField: 4 }) }')).toEqual(['input:1:16: Field "ComplexInput.requiredField" of required type "Boolean!" was not provided.']);
  });

  it('lets a nullable variable fill a non-null argument that has a default', () => {
    expect(errorsOf('query ($n: Int) { dog { withDefault(count: $n) } }')).toEqual([]);
    expect(errorsOf('query ($n: Int) { dogs(first: $n) { name } }')).toEqual(['input:1:31: Variable "$n" of type "Int" used in position expecting type "Int!".']);
  });

  it('checks @oneOf inputs and single-field subscriptions', () => {
    expect(errorsOf('{ complex(one: { stringField: "a", intField: 1 }) }')).toEqual(['input:1:16: OneOf Input Object "OneOfInput" must specify exactly one key.']);
    expect(errorsOf('subscription S { a ... { b } }')).toEqual(['input:1:26: Subscription "S" must select only one top level field.']);
  });

  it('reports a repeated argument once, where it repeats', () => {
    expect(errorsOf('{ name(text: "a", text: "b", text: "c") }')).toEqual(['input:1:19: There can be only one argument named "text".']);
  });

  it('reports conflicting aliases', () => {
    expect(errorsOf('{ dog { x: name x: barks } }')).toEqual([
      'input:1:17: Fields "x" conflict because name and barks are different fields. Use different aliases on the fields to fetch both if this was intentional.',
    ]);
  });
});

describe('graphql error text and AST values', () => {
  it('formats error lists the way OPA rewrites them', () => {
    const { doc } = parseQuery('{ dog { a b } }');
    const errors = validateQuery(schemaOf(SCHEMA), doc);
    expect(opaMessage(listText(errors))).toBe(
      'Cannot query field "a" on type "Dog".\ninput:1:11: Cannot query field "b" on type "Dog" in GraphQL string at location 1:9',
    );
    expect(opaMessage('input: Unknown fragment "x".\n')).toBe('GraphQL parse error: input: Unknown fragment "x".\n');
  });

  it('round-trips a parsed query through its value, but decodes every selection as a field', () => {
    const { doc } = parseQuery('query Q($v: Int = 1) { dog @skip(if: false) { name } ... on Query { name } }');
    const value = queryDocumentValue(doc);
    const decoded = decodeQueryDocument(value);
    expect(decoded.operations[0]!.selectionSet.map((s) => s.kind)).toEqual(['field', 'field']);
    const ops = toJSON(queryDocumentValue(decoded)) as { Operations: { SelectionSet: object[] }[] };
    expect(ops.Operations[0]!.SelectionSet[1]).toEqual({ Alias: '', Name: '', SelectionSet: [{ Alias: 'name', Name: 'name' }] });
  });

  it('reports Go decoding errors for values of the wrong JSON type', () => {
    const bad = new RObject([['Operations', [new RObject([['Name', 5]])]]]);
    expect(() => decodeQueryDocument(bad)).toThrow('json: cannot unmarshal number into Go value of type string');
  });
});

describe('graphql builtins', () => {
  const engine = Engine.compile([
    { file: 'g.rego', source: 'package g\n\nq := graphql.parse_query(input.q)\nv := graphql.is_valid(input.q, "type Query { a: Int }")\n' },
  ]);

  it('reports, rather than crashes on, documents nested too deeply to walk', () => {
    const q = `{ a(x: ${'['.repeat(100_000)}${']'.repeat(100_000)}) }`;
    expect(() => engine.document(['g', 'q'], { input: { q }, strict: true })).toThrow('GraphQL document nests too deeply to process');
    expect(engine.document(['g', 'v'], { input: { q } })).toBe(false);
  });
});

