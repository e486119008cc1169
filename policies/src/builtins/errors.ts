/**
 * Errors a builtin raises. The evaluator turns them into OPA's topdown errors with codes
 * `eval_type_error` (operand of the wrong type) and `eval_builtin_error` (anything else), prefixing the builtin name:
 * `<name>: operand 1 must be string but got number`.
 */
import type { Value } from '../values.js';
import { typeName } from '../values.js';

export class BuiltinError extends Error {
  readonly code: 'eval_builtin_error' | 'eval_type_error' = 'eval_builtin_error';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuiltinError';
  }
}

export class OperandTypeError extends BuiltinError {
  override readonly code = 'eval_type_error' as const;
  constructor(message: string) {
    super(message);
    this.name = 'OperandTypeError';
  }
}

/** OPA's wording: `operand 2 must be one of {set, array} but got string`. */
export function operandTypeError(position: number, expected: string, got: Value): OperandTypeError {
  return new OperandTypeError(`operand ${position} must be ${expected} but got ${typeName(got)}`);
}
