import { describe, expect, it } from 'vitest';
import { compileSchema } from './compile.js';
import { validateDocument } from './validate.js';
import { fromJSON } from '../../../values.js';

const re = (s: string) => new RegExp(s, 'u');
const check = (schema: unknown, doc: unknown) => validateDocument(compileSchema(fromJSON(schema), re), fromJSON(doc)).map((e) => `${e.field}: ${e.description} [${e.type}]`);

describe('JSON Schema as gojsonschema validates', () => {
  it('reports nested fields, enums and bounds in its words', () => {
    const schema = { type: 'object', required: ['a', 'b'], properties: { a: { type: 'array', items: { enum: ['x', 1] } }, n: { maximum: 10, multipleOf: 0.1 } } };
    expect(check(schema, { a: ['x', 2], n: 10.5 })).toEqual([
      '(root): b is required [required]',
      'a.1: a.1 must be one of the following: "x", 1 [enum]',
      'n: Must be less than or equal to 10 [number_lte]',
    ]);
    expect(check({ multipleOf: 0.1 }, 0.3)).toEqual([]);
  });

  it('resolves local references, recursively', () => {
    const tree = { definitions: { node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/definitions/node' } } }, additionalProperties: false } }, $ref: '#/definitions/node' };
    expect(check(tree, { kids: [{ kids: [] }] })).toEqual([]);
    expect(check(tree, { kids: [{ x: 1 }] })).toEqual(['kids.0: Additional property x is not allowed [additional_property_not_allowed]']);
  });

  it('reports the closest anyOf branch and honours draft-4 keywords', () => {
    expect(check({ anyOf: [{ type: 'string' }, { type: 'object', required: ['k'] }] }, {})).toEqual([
      '(root): Must validate at least one schema (anyOf) [number_any_of]',
      '(root): k is required [required]',
    ]);
    expect(check({ $schema: 'http://json-schema.org/draft-04/schema#', maximum: 5, exclusiveMaximum: true }, 5)).toEqual(['(root): Must be less than 5 [number_lt]']);
    expect(check({ format: 'ipv4' }, '1.2.3')).toEqual(["(root): Does not match format 'ipv4' [format]"]);
  });

  it('rejects invalid schemas with gojsonschema messages', () => {
    expect(() => compileSchema(fromJSON({ minLength: -1 }), re)).toThrow('minLength must be greater than or equal to 0');
    expect(() => compileSchema(fromJSON({ type: ['string', 'string'] }), re)).toThrow('string type is duplicated');
    expect(() => compileSchema(fromJSON({ $ref: '#/nowhere' }), re)).toThrow();
  });
});
