import { describe, expect, it } from 'vitest';
import { builtins, describeUUID, parseUUID } from './uuid.js';
import type { BuiltinContext } from './types.js';
import { toJSON } from '../values.js';

describe('uuid', () => {
  it('parses the forms google/uuid accepts', () => {
    expect(parseUUID('6BEA8EF2-D3D3-3CD1-84E0-9BAB06A52ECE')).toBeDefined();
    expect(parseUUID('6bea8ef2-d3d33cd1-84e0-9bab06a52ece0')).toBeUndefined();
    expect(parseUUID('urn:uuid:6bea8ef2d3d33cd184e09bab06a52ece')).toBeUndefined();
    expect(toJSON(describeUUID(parseUUID('c0a8e9a2-1d8b-11ee-be56-0242ac120002')!))).toMatchObject({ version: 1, variant: 'RFC4122', macvariables: 'local:unicast', nodeid: '02-42-ac-12-00-02' });
  });

  it('rfc4122 gives one v4 UUID per key within a query', () => {
    const impl = builtins.find((b) => b.decl.name === 'uuid.rfc4122')!.impl;
    let seed = 1;
    const ctx = { cache: new Map(), random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647) } as unknown as BuiltinContext;
    const a = impl(['k'], ctx) as string;
    expect(impl(['k'], ctx)).toBe(a);
    expect(impl(['other'], ctx)).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
