/**
 * URIs from certificates as Go's url.URL marshals to JSON, and Go's URL.String(), for OPA's URIs / URIStrings.
 * Only the common shapes are handled (scheme://user@host/path?query#fragment and scheme:opaque).
 */
export interface GoURL {
  Scheme: string;
  Opaque: string;
  /** Go's *Userinfo has no exported fields: {} when present, else null. */
  User: Record<string, never> | null;
  Host: string;
  Path: string;
  RawPath: string;
  OmitHost: boolean;
  ForceQuery: boolean;
  RawQuery: string;
  Fragment: string;
  RawFragment: string;
}

const unescape = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Go's path escaping: unreserved characters and the sub-delimiters a path may hold stay as they are. */
const escapePath = (s: string): string =>
  [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(String.fromCharCode(b)) && b < 0x80 ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0'))).join('');

export function goUrl(raw: string): GoURL {
  const u: GoURL = { Scheme: '', Opaque: '', User: null, Host: '', Path: '', RawPath: '', OmitHost: false, ForceQuery: false, RawQuery: '', Fragment: '', RawFragment: '' };
  let rest = raw;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    u.Fragment = unescape(rest.slice(hash + 1));
    if (escapePath(u.Fragment) !== rest.slice(hash + 1)) u.RawFragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (scheme) {
    u.Scheme = scheme[1]!.toLowerCase();
    rest = rest.slice(scheme[0].length);
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    u.RawQuery = rest.slice(q + 1);
    u.ForceQuery = u.RawQuery === '';
    rest = rest.slice(0, q);
  }
  if (u.Scheme && !rest.startsWith('/')) {
    u.Opaque = rest;
    return u;
  }
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    let authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      u.User = {};
      authority = authority.slice(at + 1);
    }
    u.Host = unescape(authority);
    u.OmitHost = authority === '' && rest === '';
  }
  u.Path = unescape(rest);
  if (escapePath(u.Path) !== rest) u.RawPath = rest;
  return u;
}

export function goUrlString(u: GoURL): string {
  let s = u.Scheme ? `${u.Scheme}:` : '';
  if (u.Opaque) s += u.Opaque;
  else {
    if (u.Scheme || u.Host || u.User) {
      if (u.Host || u.Path || u.User) s += '//';
      s += u.Host;
    }
    s += u.RawPath || escapePath(u.Path);
  }
  if (u.ForceQuery || u.RawQuery) s += `?${u.RawQuery}`;
  if (u.Fragment) s += `#${u.RawFragment || escapePath(u.Fragment)}`;
  return s;
}
