/**
 * Arithmetic as OPA does it: integers stay exact (bigint past 2^53); otherwise the operands are read into
 * big.Floats of 64-bit mantissa, combined, and the result taken as the nearest float64.
 */
import { BuiltinError, operandTypeError } from './errors.js';
import { NUMBER, STRING, arg, bigIntOperand, intOperand, numberOperand, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { addBin, divBin, mulBin, negBin, readFloat, toNumber, type BinFloat } from './bigfloat.js';
import { RSet, isNumber, isSet, normalizeInt, type RNumber, type Value } from '../values.js';

const isInt = (n: RNumber): boolean => typeof n === 'bigint' || Number.isInteger(n);

function arith(a: RNumber, b: RNumber, int: (x: bigint, y: bigint) => bigint, float: (x: BinFloat, y: BinFloat) => BinFloat): RNumber {
  if (isInt(a) && isInt(b)) return normalizeInt(int(BigInt(a), BigInt(b)));
  return toNumber(float(readFloat(a), readFloat(b)));
}

function num(args: readonly Value[], pos: number): RNumber {
  return numberOperand(args, pos);
}

const binary = (name: string, infix: string, f: (a: RNumber, b: RNumber) => RNumber | undefined): BuiltinDef => ({
  decl: { name, infix, args: [arg('x', NUMBER), arg('y', NUMBER)], result: NUMBER, categories: ['numbers'] },
  impl: (args) => f(num(args, 1), num(args, 2)),
});

/** From a towards b inclusive, stepping down when a > b. */
function range(name: string, a: bigint, b: bigint, step: bigint, signal: AbortSignal | undefined): Value[] {
  const out: Value[] = [];
  const up = a <= b;
  for (let i = a; up ? i <= b : i >= b; i += up ? step : -step) {
    // Like OPA, a long range gives up when the query is cancelled.
    if ((out.length & 0xffff) === 0xffff && signal?.aborted) throw new BuiltinError(`${name}: timed out before generating all numbers in range`);
    out.push(normalizeInt(i));
  }
  return out;
}

const round = (f: (x: number) => number) => (args: readonly Value[]): RNumber => {
  const x = num(args, 1);
  return typeof x === 'bigint' ? x : f(x);
};

export const builtins: readonly BuiltinDef[] = [
  binary('plus', '+', (a, b) => arith(a, b, (x, y) => x + y, addBin)),
  {
    decl: { name: 'minus', infix: '-', args: [arg('x'), arg('y')], result: NUMBER, categories: ['numbers', 'sets'] },
    impl: (args) => {
      const [a, b] = args as [Value, Value];
      if (isNumber(a) && isNumber(b)) return arith(a, b, (x, y) => x - y, (x, y) => addBin(x, negBin(y)));
      if (isSet(a) && isSet(b)) return new RSet([...a].filter((m) => !b.has(m)));
      // In OPA's order of checks: a number second operand asks for a set, anything else for a number.
      if (!isNumber(a) && !isSet(a)) throw operandTypeError(1, 'one of {number, set}', a);
      throw operandTypeError(2, isNumber(b) ? 'set' : 'number', b);
    },
  },
  binary('mul', '*', (a, b) => arith(a, b, (x, y) => x * y, mulBin)),
  binary('div', '/', (a, b) => {
    if (Number(b) === 0) throw new BuiltinError('divide by zero');
    if (isInt(a) && isInt(b) && BigInt(a) % BigInt(b) === 0n) return normalizeInt(BigInt(a) / BigInt(b));
    return toNumber(divBin(readFloat(a), readFloat(b)));
  }),
  binary('rem', '%', (a, b) => {
    if (!isInt(a) || !isInt(b)) throw new BuiltinError('modulo on floating-point number');
    if (Number(b) === 0) throw new BuiltinError('modulo by zero');
    return normalizeInt(BigInt(a) % BigInt(b));
  }),
  { decl: { name: 'abs', args: [arg('x', NUMBER)], result: NUMBER }, impl: (args) => {
    const x = num(args, 1);
    return typeof x === 'bigint' ? normalizeInt(x < 0n ? -x : x) : Math.abs(x);
  } },
  { decl: { name: 'round', args: [arg('x', NUMBER)], result: NUMBER }, impl: round((x) => (x < 0 ? -Math.round(-x) : Math.round(x))) },
  { decl: { name: 'ceil', args: [arg('x', NUMBER)], result: NUMBER }, impl: round(Math.ceil) },
  { decl: { name: 'floor', args: [arg('x', NUMBER)], result: NUMBER }, impl: round(Math.floor) },
  {
    decl: { name: 'numbers.range', args: [arg('a', NUMBER), arg('b', NUMBER)], result: { kind: 'array' } },
    impl: (args, ctx) => range('numbers.range', bigIntOperand(args, 1), bigIntOperand(args, 2), 1n, ctx.signal),
  },
  {
    decl: { name: 'numbers.range_step', args: [arg('a', NUMBER), arg('b', NUMBER), arg('step', NUMBER)], result: { kind: 'array' } },
    impl: (args, ctx) => {
      const [a, b, step] = [bigIntOperand(args, 1), bigIntOperand(args, 2), bigIntOperand(args, 3)];
      if (step <= 0n) throw new BuiltinError('step must be a positive integer');
      return range('numbers.range_step', a, b, step, ctx.signal);
    },
  },
  {
    decl: { name: 'rand.intn', args: [arg('str', STRING), arg('n', NUMBER)], result: NUMBER, nondeterministic: true, categories: ['numbers'] },
    impl: (args, ctx) => {
      const str = stringOperand(args, 1);
      const n = Math.abs(intOperand(args, 2));
      if (n === 0) return 0;
      // One value per (str, n) within a query, as OPA caches it.
      const key = `rand.intn:${str}-${n}`;
      const cached = ctx.cache.get(key);
      if (typeof cached === 'number') return cached;
      const r = Math.floor(ctx.random() * n);
      ctx.cache.set(key, r);
      return r;
    },
  },
  {
    decl: { name: 'to_number', args: [arg('x')], result: NUMBER },
    impl: ([x]) => {
      if (isNumber(x!)) return x;
      if (x === null) return 0;
      if (typeof x === 'boolean') return x ? 1 : 0;
      if (typeof x === 'string') {
        const t = x.trim();
        // Go's ParseFloat accepts these; OPA refuses them as not numbers.
        if (/^[+-]?(nan|inf|infinity)$/i.test(t)) throw operandTypeError(1, 'a number (not NaN or infinity)', x);
        if (/^[+-]?\d+$/.test(t)) return normalizeInt(BigInt(t));
        const n = Number(t);
        if (t === '' || Number.isNaN(n) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new BuiltinError(`invalid syntax`);
        return n;
      }
      throw operandTypeError(1, 'one of {boolean, null, number, string}', x!);
    },
  },
];
