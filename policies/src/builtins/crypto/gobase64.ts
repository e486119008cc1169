/**
 * OPA's base64url.decode rule for JWT segments and JWK members: unpadded input is padded per RFC 7515
 * appendix C, then decoded with Go's URL encoding (whose error texts OPA's messages quote).
 */
import { BuiltinError } from '../errors.js';
import { decodeBase64 } from '../encoding/gocodec.js';

export function opaBase64UrlDecode(s: string): Buffer {
  let padded = s;
  if (!s.endsWith('=')) {
    switch (s.length % 4) {
      case 2:
        padded += '==';
        break;
      case 3:
        padded += '=';
        break;
      case 1:
        throw new BuiltinError(`illegal base64url string: ${s}`);
    }
  }
  return decodeBase64(padded, true);
}
