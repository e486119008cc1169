/**
 * `http.send` is declared, so that policies using it compile and their tests can replace it (`with http.send as
 * mock`), but it never reaches the network: the engine runs in the gateway's request path, where a policy must not
 * wait on an outside service. The request is checked as OPA checks it; a valid one is a builtin error (an undefined
 * expression, or a denial in strict mode).
 */
import { BuiltinError, OperandTypeError } from './errors.js';
import { arg, objectOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { RSet, formatValue, type RObject } from '../values.js';

/** Keys http.send accepts; providers.aws.sign_req validates its request operand the same way. */
const HTTP_SEND_KEYS = new Set([
  'method', 'url', 'body', 'enable_redirect', 'force_json_decode', 'force_yaml_decode', 'headers', 'raw_body', 'tls_use_system_certs',
  'tls_ca_cert', 'tls_ca_cert_file', 'tls_ca_cert_env_variable', 'tls_client_cert', 'tls_client_cert_file', 'tls_client_cert_env_variable',
  'tls_client_key', 'tls_client_key_file', 'tls_client_key_env_variable', 'tls_insecure_skip_verify', 'tls_server_name', 'timeout', 'cache',
  'force_cache', 'force_cache_duration_seconds', 'raise_error', 'caching_mode', 'max_retry_attempts', 'cache_ignored_headers',
]);
export const REQUIRED_REQUEST_KEYS = ['method', 'url'];

/** Unknown keys, then missing required ones: OPA's errors for a request object, in its order and words. */
export function checkRequestKeys(req: RObject): void {
  const unknown = req.keys().filter((k) => typeof k !== 'string' || !HTTP_SEND_KEYS.has(k));
  if (unknown.length) throw new OperandTypeError(`operand 1 invalid request parameters(s): ${formatValue(new RSet(unknown))}`);
  const missing = REQUIRED_REQUEST_KEYS.filter((k) => !req.has(k));
  if (missing.length) throw new OperandTypeError(`operand 1 missing required request parameters(s): ${formatValue(new RSet(missing))}`);
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'http.send', args: [arg('request', { kind: 'object' })], result: { kind: 'object' }, nondeterministic: true, categories: ['http'] },
    impl: (args) => {
      checkRequestKeys(objectOperand(args, 1));
      throw new BuiltinError('network access is not available to policies in this engine');
    },
  },
];
