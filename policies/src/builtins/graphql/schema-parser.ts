/**
 * gqlparser's parser for schema (type system) documents, on the shared token machinery of parser.ts.
 */
import type {
  ArgumentDefinition,
  Definition,
  DirectiveDefinition,
  EnumValueDefinition,
  FieldDefinition,
  OperationTypeDefinition,
  SchemaDefinition,
  SchemaDocument,
} from './ast.js';
import { emptyDefinition } from './ast.js';
import type { GqlError } from './errors.js';
import { Tok } from './lexer.js';
import { Parser } from './parser.js';

const DIRECTIVE_LOCATIONS = new Set([
  'QUERY', 'MUTATION', 'SUBSCRIPTION', 'FIELD', 'FRAGMENT_DEFINITION', 'FRAGMENT_SPREAD', 'INLINE_FRAGMENT',
  'VARIABLE_DEFINITION', 'SCHEMA', 'SCALAR', 'OBJECT', 'FIELD_DEFINITION', 'ARGUMENT_DEFINITION', 'INTERFACE',
  'UNION', 'ENUM', 'ENUM_VALUE', 'INPUT_OBJECT', 'INPUT_FIELD_DEFINITION',
]);

const TYPE_KEYWORDS: Record<string, string> = {
  scalar: 'SCALAR',
  type: 'OBJECT',
  interface: 'INTERFACE',
  union: 'UNION',
  enum: 'ENUM',
  input: 'INPUT_OBJECT',
};

export function parseSchema(input: string, builtIn = false): { doc?: SchemaDocument; err?: GqlError } {
  const p = new Parser(input);
  const doc: SchemaDocument = { schema: [], schemaExtension: [], directives: [], definitions: [], extensions: [] };
  while (p.peek().kind !== Tok.EOF) {
    if (p.err) break;
    const description = parseDescription(p);
    const tok = p.peek();
    if (tok.kind !== Tok.Name) {
      p.unexpected();
      break;
    }
    if (tok.value in TYPE_KEYWORDS) {
      doc.definitions.push(parseTypeDefinition(p, description));
    } else if (tok.value === 'schema') {
      doc.schema.push(parseSchemaDefinition(p, description, false));
    } else if (tok.value === 'directive') {
      doc.directives.push(parseDirectiveDefinition(p, description));
    } else if (tok.value === 'extend') {
      if (description !== '') p.unexpected(p.prev);
      parseExtension(p, doc);
    } else {
      p.unexpected();
      break;
    }
  }
  if (p.err) return { err: p.err };
  for (const def of [...doc.definitions, ...doc.extensions]) def.builtIn = builtIn;
  return { doc };
}

function parseDescription(p: Parser): string {
  const kind = p.peek().kind;
  return kind === Tok.String || kind === Tok.BlockString ? p.next().value : '';
}

function parseSchemaDefinition(p: Parser, description: string, extension: boolean): SchemaDefinition {
  p.expectKeyword('schema');
  const def: SchemaDefinition = { description, directives: [], operationTypes: [], position: p.peekPos() };
  def.directives = p.parseDirectives(true);
  p.some(Tok.BraceL, Tok.BraceR, () => def.operationTypes.push(parseOperationTypeDefinition(p)));
  if (extension && def.directives.length === 0 && def.operationTypes.length === 0) p.unexpected();
  return def;
}

function parseOperationTypeDefinition(p: Parser): OperationTypeDefinition {
  const position = p.peekPos();
  const operation = p.parseOperationType();
  p.expect(Tok.Colon);
  return { operation, type: p.parseName(), position };
}

/** A type definition or, with `extension`, a type extension (which must add something). */
function parseTypeDefinition(p: Parser, description: string, extension = false): Definition {
  const keyword = p.peek().value;
  const kind = TYPE_KEYWORDS[keyword]!;
  p.expectKeyword(keyword);
  const def = emptyDefinition(kind, '', p.peekPos());
  def.description = description;
  def.name = p.parseName();
  if (kind === 'OBJECT' || (kind === 'INTERFACE' && !extension)) def.interfaces = parseImplementsInterfaces(p);
  def.directives = p.parseDirectives(!(extension && kind === 'INPUT_OBJECT'));
  switch (kind) {
    case 'OBJECT':
    case 'INTERFACE':
      p.some(Tok.BraceL, Tok.BraceR, () => def.fields.push(parseFieldDefinition(p)));
      break;
    case 'INPUT_OBJECT':
      p.some(Tok.BraceL, Tok.BraceR, () => def.fields.push(parseInputValueDefinition(p)));
      break;
    case 'UNION':
      def.types = parseUnionMemberTypes(p);
      break;
    case 'ENUM':
      p.some(Tok.BraceL, Tok.BraceR, () => def.enumValues.push(parseEnumValueDefinition(p)));
      break;
  }
  const added = def.interfaces.length + def.directives.length + def.fields.length + def.types.length + def.enumValues.length;
  if (extension && added === 0) p.unexpected();
  return def;
}

function parseExtension(p: Parser, doc: SchemaDocument): void {
  p.expectKeyword('extend');
  const keyword = p.peek().value;
  if (keyword === 'schema') doc.schemaExtension.push(parseSchemaDefinition(p, '', true));
  else if (keyword in TYPE_KEYWORDS) doc.extensions.push(parseTypeDefinition(p, '', true));
  else p.unexpected();
}

function parseImplementsInterfaces(p: Parser): string[] {
  const types: string[] = [];
  if (p.peek().value !== 'implements') return types;
  p.next();
  p.skip(Tok.Amp);
  types.push(p.parseName());
  while (p.skip(Tok.Amp) && !p.err) types.push(p.parseName());
  return types;
}

function parseUnionMemberTypes(p: Parser): string[] {
  const types: string[] = [];
  if (!p.skip(Tok.Equals)) return types;
  p.skip(Tok.Pipe);
  types.push(p.parseName());
  while (p.skip(Tok.Pipe) && !p.err) types.push(p.parseName());
  return types;
}

function parseFieldDefinition(p: Parser): FieldDefinition {
  const position = p.peekPos();
  const description = parseDescription(p);
  const name = p.parseName();
  const args: ArgumentDefinition[] = [];
  p.some(Tok.ParenL, Tok.ParenR, () => args.push(parseInputValueDefinition(p)));
  p.expect(Tok.Colon);
  const type = p.parseTypeReference();
  return { description, name, arguments: args, type, directives: p.parseDirectives(true), position };
}

/** An argument or input field definition (gqlparser builds both the same way). */
function parseInputValueDefinition(p: Parser): FieldDefinition {
  const position = p.peekPos();
  const description = parseDescription(p);
  const name = p.parseName();
  p.expect(Tok.Colon);
  const type = p.parseTypeReference();
  const defaultValue = p.skip(Tok.Equals) ? p.parseValueLiteral(true) : undefined;
  return { description, name, arguments: [], type, defaultValue, directives: p.parseDirectives(true), position };
}

function parseEnumValueDefinition(p: Parser): EnumValueDefinition {
  const position = p.peekPos();
  const description = parseDescription(p);
  const name = p.parseName();
  return { description, name, directives: p.parseDirectives(true), position };
}

function parseDirectiveDefinition(p: Parser, description: string): DirectiveDefinition {
  p.expectKeyword('directive');
  p.expect(Tok.At);
  const position = p.peekPos();
  const name = p.parseName();
  const args: ArgumentDefinition[] = [];
  p.some(Tok.ParenL, Tok.ParenR, () => args.push(parseInputValueDefinition(p)));
  let isRepeatable = false;
  const peek = p.peek();
  if (peek.kind === Tok.Name && peek.value === 'repeatable') {
    isRepeatable = true;
    p.skip(Tok.Name);
  }
  p.expectKeyword('on');
  p.skip(Tok.Pipe);
  const locations = [parseDirectiveLocation(p)];
  while (p.skip(Tok.Pipe) && !p.err) locations.push(parseDirectiveLocation(p));
  return { description, name, arguments: args, locations, isRepeatable, position };
}

function parseDirectiveLocation(p: Parser): string {
  const tok = p.expect(Tok.Name);
  if (DIRECTIVE_LOCATIONS.has(tok.value)) return tok.value;
  p.unexpected(tok);
  return '';
}
