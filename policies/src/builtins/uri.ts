/**
 * uri.parse and uri.is_valid with Go net/url's rules for what is an error (bad escapes, userinfo characters, ports).
 */
import { BuiltinError } from './errors.js';
import { BOOLEAN, STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { RObject, type Value } from '../values.js';

const URI = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;
/** Characters a path may carry unescaped; an escape of one of these is shown decoded in raw_path. */
const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

function checkEscapes(s: string, raw: string): void {
  const bad = /%(?![0-9A-Fa-f]{2})/.exec(s);
  if (bad) throw new BuiltinError(`parse "${raw}": invalid URL escape "${s.slice(bad.index, bad.index + 3)}"`);
}

function decode(s: string): string {
  return s.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

function parse(raw: string): RObject {
  const m = URI.exec(raw);
  if (!m) throw new BuiltinError(`parse "${raw}": invalid URI`);
  const [, scheme, slashes, authority, path = '', query, fragment] = m;
  const out = new RObject();
  if (scheme) out.set('scheme', scheme.toLowerCase());
  if (scheme && !slashes && !path.startsWith('/')) return out;
  if (slashes) {
    let host = authority ?? '';
    const at = host.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = host.slice(0, at);
      if (/[^A-Za-z0-9\-._~!$&'()*+,;=:%]/.test(userinfo)) throw new BuiltinError(`parse "${raw}": net/url: invalid userinfo`);
      host = host.slice(at + 1);
    }
    let port = '';
    if (host.startsWith('[')) {
      const close = host.indexOf(']');
      if (close < 0) throw new BuiltinError(`parse "${raw}": missing ']' in host`);
      port = host.slice(close + 1);
      host = host.slice(1, close);
    } else {
      const colon = host.lastIndexOf(':');
      if (colon >= 0) {
        port = host.slice(colon);
        host = host.slice(0, colon);
      }
    }
    if (port) {
      if (!/^:[0-9]*$/.test(port)) throw new BuiltinError(`parse "${raw}": invalid port "${port}" after host`);
      port = port.slice(1);
    }
    if (/%/.test(host)) throw new BuiltinError(`parse "${raw}": invalid URL escape "${host.slice(host.indexOf('%'), host.indexOf('%') + 3)}"`);
    if (host) out.set('hostname', host);
    if (port) out.set('port', port);
  }
  checkEscapes(path, raw);
  if (path) {
    out.set('path', decode(path));
    out.set('raw_path', path.replace(/%([0-9A-Fa-f]{2})/g, (e, hex: string) => {
      const ch = String.fromCharCode(parseInt(hex, 16));
      return PATH_SAFE.test(ch) ? ch : e;
    }));
  }
  if (query) out.set('raw_query', query);
  if (fragment) out.set('fragment', decode(fragment));
  return out;
}

export const builtins: readonly BuiltinDef[] = [
  { decl: { name: 'uri.parse', args: [arg('uri', STRING)], result: { kind: 'object' }, categories: ['uri'] }, impl: (a) => parse(stringOperand(a, 1)) as Value },
  {
    decl: { name: 'uri.is_valid', args: [arg('uri', STRING)], result: BOOLEAN, categories: ['uri'] },
    impl: (a) => {
      const s = stringOperand(a, 1);
      if (!s) return false;
      try {
        parse(s);
        return true;
      } catch {
        return false;
      }
    },
  },
];
