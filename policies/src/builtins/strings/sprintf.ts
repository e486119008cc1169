/**
 * sprintf as OPA runs it: Go's fmt.Sprintf over the operands converted the way OPA converts them — integers to
 * int (or *big.Int past int64), other numbers to float64, strings as themselves, and everything else (booleans,
 * null, collections) to its Rego text, a string.
 */
import { formatValue, type Value } from '../../values.js';

type Arg = { kind: 'int'; v: bigint; big: boolean } | { kind: 'float'; v: number } | { kind: 'string'; v: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toArg(v: Value): Arg {
  if (typeof v === 'string') return { kind: 'string', v };
  if (typeof v === 'bigint') return { kind: 'int', v, big: v < INT64_MIN || v > INT64_MAX };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { kind: 'int', v: BigInt(v), big: false } : { kind: 'float', v };
  return { kind: 'string', v: formatValue(v) };
}

const typeOf = (a: Arg): string => (a.kind === 'int' ? (a.big ? '*big.Int' : 'int') : a.kind === 'float' ? 'float64' : 'string');

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

/** Shortest round-trip digits and decimal exponent of |x| (x ≠ 0): x = 0.d1d2… × 10^dp. */
function shortestDigits(x: number): { digits: string; dp: number } {
  const [mant, exp] = Math.abs(x).toExponential().split('e');
  return { digits: mant!.replace('.', ''), dp: Number(exp) + 1 };
}

const expPart = (e: number): string => (e < 0 ? 'e-' : 'e+') + String(Math.abs(e)).padStart(2, '0');

function fixed(x: number, prec: number): string {
  // toFixed switches to exponents from 1e21; such floats are integers, so their digits are exact via BigInt.
  if (Math.abs(x) >= 1e21) return BigInt(x).toString().replace('-', '') + (prec > 0 ? '.' + '0'.repeat(prec) : '');
  return Math.abs(x).toFixed(prec);
}

function exponent(x: number, prec: number): string {
  const [m, e] = Math.abs(x).toExponential(prec).split('e');
  return m! + expPart(Number(e));
}

/** strconv.FormatFloat(x, 'g', prec) on |x|; prec undefined means shortest. */
function general(x: number, prec: number | undefined, sharp: boolean): string {
  const ax = Math.abs(x);
  if (ax === 0) return prec !== undefined && sharp ? '0.' + '0'.repeat(Math.max(prec - 1, 0)) : '0';
  let digits: string;
  let dp: number;
  if (prec === undefined) ({ digits, dp } = shortestDigits(ax));
  else {
    const p = prec === 0 ? 1 : prec;
    const [m, e] = ax.toExponential(p - 1).split('e');
    digits = m!.replace('.', '');
    dp = Number(e) + 1;
    if (!sharp) digits = digits.replace(/0+$/, '') || '0';
  }
  let eprec = prec === undefined ? 6 : prec === 0 ? 1 : prec;
  if (prec !== undefined && eprec > digits.length && digits.length >= dp) eprec = digits.length;
  const exp = dp - 1;
  if (exp < -4 || exp >= eprec) return digits[0]! + (digits.length > 1 ? '.' + digits.slice(1) : '') + expPart(exp);
  if (dp <= 0) return '0.' + '0'.repeat(-dp) + digits;
  if (dp >= digits.length) return digits + '0'.repeat(dp - digits.length);
  return digits.slice(0, dp) + '.' + digits.slice(dp);
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u000b': '\\v', '\\': '\\\\', '"': '\\"' };

/** Every character goQuote escapes (by name or by code); a string without any is quoted as it is. */
const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u00ad"\\\ufff0-\uffff]/;

/** strconv.Quote. */
function goQuote(s: string): string {
  if (!ESCAPED.test(s)) return '"' + s + '"';
  const named = NAMED_ESCAPES;
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (named[c]) out += named[c];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad || (cp >= 0xfff0 && cp <= 0xffff)) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += c;
  }
  return out + '"';
}

/** Width padding; zeros go after the sign, and an integer with a precision is padded with spaces, as in Go. */
function pad(body: string, spec: Spec, kind: 'string' | 'int' | 'float'): string {
  const width = spec.width ?? 0;
  // Most verbs have no width: no need to count the body's code points.
  if (width <= body.length / 2) return body;
  const len = [...body].length;
  if (len >= width) return body;
  if (spec.minus) return body + ' '.repeat(width - len);
  if (spec.zero && !(kind === 'int' && spec.prec !== undefined)) {
    const sign = kind !== 'string' && /^[+\- ]/.test(body) ? body[0]! : '';
    return sign + '0'.repeat(width - len) + body.slice(sign.length);
  }
  return ' '.repeat(width - len) + body;
}

function signed(negative: boolean, digits: string, spec: Spec): string {
  return (negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : '') + digits;
}

function formatInt(v: bigint, verb: string, spec: Spec): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const base = verb === 'b' ? 2 : verb === 'o' || verb === 'O' ? 8 : verb === 'x' || verb === 'X' ? 16 : 10;
  let digits = abs.toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  if (spec.prec !== undefined) digits = spec.prec === 0 && abs === 0n ? '' : digits.padStart(spec.prec, '0');
  const prefix = verb === 'O' ? '0o' : spec.sharp ? (({ x: '0x', X: '0X', o: '0', b: '0b' } as Record<string, string>)[verb] ?? '') : '';
  if (prefix && !(verb === 'o' && digits.startsWith('0'))) digits = prefix + digits;
  return pad(signed(neg, digits, spec), spec, 'int');
}

function formatFloat(v: number, verb: string, spec: Spec): string {
  // Go prints infinities with their sign and NaN as is, whatever the verb.
  if (!Number.isFinite(v)) return pad(Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf', { ...spec, zero: false }, 'string');
  let body: string;
  switch (verb) {
    case 'e':
    case 'E':
      body = exponent(v, spec.prec ?? 6);
      break;
    case 'f':
    case 'F':
      body = fixed(v, spec.prec ?? 6);
      break;
    default:
      body = general(v, spec.prec, spec.sharp);
  }
  if (verb === 'E' || verb === 'G') body = body.toUpperCase();
  return pad(signed(v < 0 || Object.is(v, -0), body, spec), spec, 'float');
}

function bad(verb: string, a: Arg): string {
  return `%!${verb}(${typeOf(a)}=${plain(a)})`;
}

const plain = (a: Arg): string => (a.kind !== 'float' ? String(a.v) : Number.isFinite(a.v) ? (a.v < 0 ? '-' : '') + general(a.v, undefined, false) : formatFloat(a.v, 'v', { minus: false, plus: false, sharp: false, space: false, zero: false }));

function formatArg(verb: string, a: Arg, spec: Spec): string {
  if (verb === 'T') return pad(typeOf(a), spec, 'string');
  if (a.kind === 'string') {
    switch (verb) {
      case 'v':
      case 's':
        return pad(spec.prec !== undefined ? [...a.v].slice(0, spec.prec).join('') : a.v, spec, 'string');
      case 'q':
        return pad(goQuote(a.v), spec, 'string');
      case 'x':
      case 'X': {
        const hex = Buffer.from(a.v, 'utf8').toString('hex');
        return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, 'string');
      }
      default:
        return bad(verb, a);
    }
  }
  if (a.kind === 'int') {
    switch (verb) {
      case 'v':
      case 'd':
      case 'b':
      case 'o':
      case 'O':
      case 'x':
      case 'X':
        return formatInt(a.v, verb === 'v' ? 'd' : verb, spec);
      case 's':
        return a.big ? pad(a.v.toString(), spec, 'int') : bad(verb, a);
      case 'c':
        return a.big ? bad(verb, a) : pad(String.fromCodePoint(Number(a.v)), spec, 'string');
      case 'q':
        return a.big ? bad(verb, a) : pad(`'${String.fromCodePoint(Number(a.v))}'`, spec, 'string');
      case 'U':
        return a.big ? bad(verb, a) : pad('U+' + a.v.toString(16).toUpperCase().padStart(4, '0'), spec, 'string');
      default:
        return bad(verb, a);
    }
  }
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
    case 'e':
    case 'E':
    case 'f':
    case 'F':
      return formatFloat(a.v, verb === 'v' ? 'g' : verb, spec);
    default:
      return bad(verb, a);
  }
}

const SPEC = /%([-+# 0]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/y;

export function goSprintf(format: string, values: readonly Value[]): string {
  const args = values.map(toArg);
  let used = 0;
  let out = '';
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    SPEC.lastIndex = pct;
    const m = SPEC.exec(format);
    if (!m) {
      out += '%!(NOVERB)';
      i = format.length;
      break;
    }
    i = SPEC.lastIndex;
    const [, flags = '', width, prec, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const spec: Spec = { minus: flags.includes('-'), plus: flags.includes('+'), sharp: flags.includes('#'), space: flags.includes(' '), zero: flags.includes('0') && !flags.includes('-'), width: width === undefined ? undefined : Number(width), prec: prec === undefined ? undefined : Number(prec || '0') };
    out += used < args.length ? formatArg(verb!, args[used++]!, spec) : `%!${verb}(MISSING)`;
  }
  if (used < args.length) out += `%!(EXTRA ${args.slice(used).map((a) => `${typeOf(a)}=${plain(a)}`).join(', ')})`;
  return out;
}

