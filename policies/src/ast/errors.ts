import type { Location } from './tokens.js';

export type RegoErrorCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_type_error'
  | 'rego_unsafe_var_error'
  | 'rego_recursion_error';

/** An error as data, with OPA's code strings so results compare with OPA's. */
export class RegoError extends Error {
  constructor(
    readonly code: RegoErrorCode,
    message: string,
    readonly location?: Location,
  ) {
    super(location ? `${location.file}:${location.row}:${location.col}: ${code}: ${message}` : `${code}: ${message}`);
    this.name = 'RegoError';
  }
}

export class RegoErrors extends Error {
  constructor(readonly errors: readonly RegoError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'RegoErrors';
  }
}
