import type { Location } from '../ast/tokens.js';

export type EvalErrorCode = 'eval_conflict_error' | 'eval_type_error' | 'eval_builtin_error' | 'eval_cancel_error' | 'rego_recursion_error';

/** A topdown error, in OPA's text form `<file>:<row>: <code>: <message>`. */
export class EvalError extends Error {
  constructor(
    readonly code: EvalErrorCode,
    readonly detail: string,
    readonly location?: Location,
  ) {
    super(location ? `${location.file}:${location.row}: ${code}: ${detail}` : `${code}: ${detail}`);
    this.name = 'EvalError';
  }
}
