/**
 * Numbers and values as gojsonschema sees them: exact rationals from the number's decimal text (big.Rat), the
 * JSON text it compares const/enum/uniqueItems by (marshalled after a float64 round trip), and big.Float's
 * default printing in error messages.
 */
import { goMarshal } from '../../gojson.js';
import { ratToNumber, type Rat } from '../../bigfloat.js';
export { rational, type Rat } from '../../bigfloat.js';
import { RObject, isArray, isObject, type Value } from '../../../values.js';

export const compareRat = (a: Rat, b: Rat): number => {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
};

export const isIntegerRat = (a: Rat): boolean => a.num % a.den === 0n;

/** big.Float's %v: like %g with 10 significant digits. */
export function goText(r: Rat): string {
  const x = ratToNumber(r);
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 10) {
    const [mant, e] = x.toExponential(9).split('e');
    const trimmed = mant!.replace(/\.?0+$/, '');
    const en = Number(e);
    return `${trimmed}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  return String(Number(x.toPrecision(10)));
}

/** A value as Go re-marshals it after decoding numbers as float64. */
function floated(v: Value): Value {
  if (typeof v === 'bigint') return Number(v);
  if (isArray(v)) return v.map(floated);
  if (isObject(v)) return new RObject(v.sortedEntries().map(([k, x]) => [k, floated(x)]));
  return v;
}

export const goJSON = (v: Value): string => goMarshal(floated(v));
