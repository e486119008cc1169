import { compare, equal } from '../values.js';
import { BOOLEAN, arg } from './operands.js';
import type { BuiltinDef } from './types.js';

const op = (name: string, infix: string, test: (x: Parameters<typeof equal>[0], y: Parameters<typeof equal>[0]) => boolean): BuiltinDef => ({
  decl: { name, infix, args: [arg('x'), arg('y')], result: BOOLEAN, categories: ['comparison'] },
  impl: (args) => test(args[0]!, args[1]!),
});

export const builtins: readonly BuiltinDef[] = [
  op('equal', '==', equal),
  op('neq', '!=', (x, y) => !equal(x, y)),
  op('lt', '<', (x, y) => compare(x, y) < 0),
  op('lte', '<=', (x, y) => compare(x, y) <= 0),
  op('gt', '>', (x, y) => compare(x, y) > 0),
  op('gte', '>=', (x, y) => compare(x, y) >= 0),
];
