/**
 * semver.is_valid and semver.compare with OPA's parser (internal/semver): an optional leading "v", int64
 * major.minor.patch (Go's ParseInt, so signs and leading zeros pass), pre-release and metadata identifiers.
 */
import { BuiltinError } from './errors.js';
import { ANY, BOOLEAN, NUMBER, STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { formatValue } from '../values.js';

interface Version {
  readonly core: readonly [bigint, bigint, bigint];
  readonly pre: string;
}

const IDENTIFIERS = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

export function parseSemver(text: string): Version | undefined {
  const [rest, meta] = cut(text.startsWith('v') ? text.slice(1) : text, '+');
  if (meta !== '' && !IDENTIFIERS.test(meta)) return undefined;
  const [core, pre] = cut(rest, '-');
  if (pre !== '' && !IDENTIFIERS.test(pre)) return undefined;
  const parts = core.split('.');
  if (parts.length !== 3) return undefined;
  const nums = parts.map(parseInt64);
  if (nums.some((n) => n === undefined)) return undefined;
  return { core: nums as [bigint, bigint, bigint], pre };
}

const sign = (a: bigint, b: bigint): number => (a > b ? 1 : a < b ? -1 : 0);
const isNumeric = (s: string): boolean => /^\d+$/.test(s);
/** Go's Atoi saturates at the int64 bounds on overflow. */
const saturated = (s: string): bigint => {
  const n = BigInt(s);
  return n > INT64_MAX ? INT64_MAX : n;
};

/** SemVer §11 precedence; metadata is ignored. */
export function compareSemver(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const c = sign(a.core[i]!, b.core[i]!);
    if (c !== 0) return c;
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  const xs = a.pre.split('.');
  const ys = b.pre.split('.');
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    const xn = isNumeric(x);
    const yn = isNumeric(y);
    if (xn !== yn) return xn ? -1 : 1;
    const c = xn ? sign(saturated(x), saturated(y)) : x > y ? 1 : x < y ? -1 : 0;
    if (c !== 0) return c;
  }
  return Math.sign(xs.length - ys.length);
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'semver.is_valid', args: [arg('vsn', ANY)], result: BOOLEAN, categories: ['semver'] },
    impl: ([v]) => typeof v === 'string' && parseSemver(v) !== undefined,
  },
  {
    decl: { name: 'semver.compare', args: [arg('a', STRING), arg('b', STRING)], result: NUMBER, categories: ['semver'] },
    impl: (args) => {
      const texts = [stringOperand(args, 1), stringOperand(args, 2)];
      const [a, b] = texts.map((t, i) => {
        const v = parseSemver(t);
        if (!v) throw new BuiltinError(`operand ${i + 1}: string ${formatValue(t)} is not a valid SemVer`);
        return v;
      });
      return compareSemver(a!, b!);
    },
  },
];
