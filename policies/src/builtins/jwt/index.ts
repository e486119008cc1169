import type { BuiltinDef } from '../types.js';
import { decodeVerifyBuiltin } from './decode_verify.js';
import { encodeBuiltins } from './encode.js';
import { verifyBuiltins } from './verify.js';

export const builtins: readonly BuiltinDef[] = [...encodeBuiltins, ...verifyBuiltins, decodeVerifyBuiltin];
