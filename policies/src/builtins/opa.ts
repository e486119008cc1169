/**
 * `opa.runtime()`: what the host says about itself (for `airlock policy test`, OPA's shape: `env`, `version`), `{}`
 * when it says nothing. Its value depends on the host, so it is never shared across evaluations.
 */
import type { BuiltinDef } from './types.js';
import { RObject } from '../values.js';

export const builtins: readonly BuiltinDef[] = [
  { decl: { name: 'opa.runtime', args: [], result: { kind: 'object' }, nondeterministic: true, categories: ['opa'] }, impl: (_, ctx) => ctx.runtime ?? new RObject() },
];
