/**
 * Operand checks that know the argument position, so errors read as OPA's: `operand 2 must be string but got number`.
 */
import { OperandTypeError, operandTypeError } from './errors.js';
import { isArray, isNumber, isObject, isSet, type RNumber, type RObject, type RSet, type Value } from '../values.js';

export function stringOperand(args: readonly Value[], pos: number): string {
  const v = args[pos - 1]!;
  if (typeof v !== 'string') throw operandTypeError(pos, 'string', v);
  return v;
}

export function numberOperand(args: readonly Value[], pos: number): RNumber {
  const v = args[pos - 1]!;
  if (!isNumber(v)) throw operandTypeError(pos, 'number', v);
  return v;
}

export function intOperand(args: readonly Value[], pos: number): number {
  const v = numberOperand(args, pos);
  const n = Number(v);
  if (!Number.isInteger(n)) throw new OperandTypeError(`operand ${pos} must be integer number but got floating-point number`);
  return n;
}

/** OPA's BigIntOperand: any exact integer, however large. */
export function bigIntOperand(args: readonly Value[], pos: number): bigint {
  const v = args[pos - 1]!;
  if (!isNumber(v)) throw operandTypeError(pos, 'integer', v);
  if (typeof v === 'number' && !Number.isInteger(v)) throw new OperandTypeError(`operand ${pos} must be integer number but got floating-point number`);
  return BigInt(v);
}

export function arrayOperand(args: readonly Value[], pos: number): readonly Value[] {
  const v = args[pos - 1]!;
  if (!isArray(v)) throw operandTypeError(pos, 'array', v);
  return v;
}

export function objectOperand(args: readonly Value[], pos: number): RObject {
  const v = args[pos - 1]!;
  if (!isObject(v)) throw operandTypeError(pos, 'object', v);
  return v;
}

export function setOperand(args: readonly Value[], pos: number): RSet {
  const v = args[pos - 1]!;
  if (!isSet(v)) throw operandTypeError(pos, 'set', v);
  return v;
}

/** Members of an array or set, for builtins that accept either. */
export function collectionOperand(args: readonly Value[], pos: number, expected = 'one of {array, set}'): readonly Value[] {
  const v = args[pos - 1]!;
  if (isArray(v)) return v;
  if (isSet(v)) return v.sorted();
  throw operandTypeError(pos, expected, v);
}

export const ANY = { kind: 'any' } as const;
export const STRING = { kind: 'string' } as const;
export const NUMBER = { kind: 'number' } as const;
export const BOOLEAN = { kind: 'boolean' } as const;
export const ARRAY = { kind: 'array' } as const;
export const OBJECT = { kind: 'object' } as const;
export const SET = { kind: 'set' } as const;

export const arg = (name: string, type: { kind: string } = ANY) => ({ name, type: type as never });
