/**
 * The "format" checkers gojsonschema knows; other formats always pass, and non-strings pass every checker.
 */
import { parseIP } from '../../net/ip.js';
import { parseTime } from '../../time/layout.js';
import type { Value } from '../../../values.js';

const HOSTNAME = /^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]))*$/;
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
const JSON_POINTER = /^(?:\/(?:[^~/]|~0|~1)*)*$/;
const RELATIVE_JSON_POINTER = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/;
const URI_TEMPLATE = /^([^{]*({[^}]*})?)*$/;
/** Roughly net/mail.ParseAddress: a display name is allowed around an angle-bracketed addr-spec. */
const EMAIL = /^(?:[^<>@]*<)?[^\s<>@"]+@[^\s<>@]+(?:>)?$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

const parses = (layout: string, s: string): boolean => {
  try {
    parseTime(layout, s);
    return true;
  } catch {
    return false;
  }
};

/** url.Parse rejects control characters and malformed escapes; the checkers also reject backslashes. */
const urlParses = (s: string): boolean => !/[\u0000-\u001f\u007f\\]/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s);

const CHECKERS: Record<string, (s: string) => boolean> = {
  date: (s) => parses('2006-01-02', s),
  time: (s) => parses('15:04:05Z07:00', s) || parses('15:04:05', s),
  'date-time': (s) => ['15:04:05', '15:04:05Z07:00', '2006-01-02', '2006-01-02T15:04:05Z07:00', '2006-01-02T15:04:05.999999999Z07:00'].some((l) => parses(l, s)),
  hostname: (s) => HOSTNAME.test(s) && s.length < 256,
  email: (s) => EMAIL.test(s),
  'idn-email': (s) => EMAIL.test(s),
  ipv4: (s) => parseIP(s) !== undefined && s.includes('.'),
  ipv6: (s) => parseIP(s) !== undefined && s.includes(':'),
  uri: (s) => urlParses(s) && SCHEME.test(s),
  iri: (s) => urlParses(s) && SCHEME.test(s),
  'uri-reference': urlParses,
  'iri-reference': urlParses,
  'uri-template': (s) => urlParses(s) && URI_TEMPLATE.test(s.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, '').replace(/[?#].*$/, '')),
  uuid: (s) => UUID.test(s),
  regex: (s) => {
    try {
      new RegExp(s, 'u');
      return true;
    } catch {
      return false;
    }
  },
  'json-pointer': (s) => JSON_POINTER.test(s),
  'relative-json-pointer': (s) => RELATIVE_JSON_POINTER.test(s),
};

export function checkFormat(format: string, v: Value): boolean {
  const check = CHECKERS[format];
  return !check || typeof v !== 'string' || check(v);
}
