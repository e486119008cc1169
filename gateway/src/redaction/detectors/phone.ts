/**
 * PHONE: number-shaped runs (international prefixes, area codes in brackets, groups, extensions), accepted by shape
 * or by context words, as before; libphonenumber-js (full metadata) then checks each against the numbering plan of
 * its country, or of the configured default regions for national numbers. A valid number gains confidence, and a
 * bare digit group with no shape and no context is taken only when it is valid somewhere.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { hasContext, matches } from '../context.js';
import type { Detector, Finding } from '../types.js';

/** Regions tried for numbers written without a country code, unless the caller names others. */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IN'];

const PHONE = /(?<![\w+])\d{10,11}(?!\w|-\d)|(?<![\w+.-])\d{2,5}[ .-]\d{5,8}(?![\w.]|-\d)|(?<![\w+])(?:\+\d{1,3}[ .-]?|00\d{1,3}[ .-]?|\b)(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?(?!\w|-\d)|(?<![\w+])\(\d{2,4}\)\s?\d{3}[ .-]?\d{3,4}(?:\s?x\d{1,6})?(?!\w)/g;
const PHONE_CONTEXT = /phone|tel\b|ring\b|telephone|mobile|cell|call|fax|contact|number|reach|dial|whatsapp|sms|text me|office|home|work|landline/i;

function validSomewhere(raw: string, regions: readonly CountryCode[]): boolean {
  const national = raw.replace(/\s?(?:x|ext\.?|extension)\s?\d+$/i, '');
  if (/^(?:\+|00)/.test(national)) return parsePhoneNumberFromString(national.replace(/^00/, '+'))?.isValid() ?? false;
  return regions.some((region) => parsePhoneNumberFromString(national, region)?.isValid() ?? false);
}

export const phoneDetector: Detector = {
  type: 'PHONE',
  triggers: [/\d/],
  detect(text, options) {
    const regions = options?.regions ?? DEFAULT_PHONE_REGIONS;
    const out: Finding[] = [];
    for (const m of matches(text, PHONE)) {
      const raw = m[0];
      const digits = raw.replace(/x.*$|ext.*$/i, '').replace(/\D/g, '');
      if (digits.length < 7 || digits.length > 15 || /^\d{4}-\d{2}-\d{2}/.test(raw)) continue;
      const start = m.index;
      const end = m.index + raw.length;
      const context = hasContext(text, start, end, PHONE_CONTEXT);
      const shaped = /^\+|^00|\(|x\d/.test(raw) || /^\d{3}[-.]\d{3}[-.]\d{4}$/.test(raw);
      // Bare digit groups are often something else (amounts, codes): without shape or context they must be valid.
      const plain = !shaped && !context && (digits.length < 10 || /^\d+$/.test(raw));
      if (plain) {
        // Digit groups that run into words or follow a unit word are house and unit numbers ("Suite 913 0547 Bygget").
        const inAddress = /^[ \t]+\p{L}/u.test(text.slice(end, end + 2)) || /(?:suite|apt|unit|box|#)\.?\s*$/i.test(text.slice(Math.max(0, start - 8), start));
        // A 3-2-4 group is an SSN's shape (valid or not), never taken for a phone on validity alone.
        if (!inAddress && !/^\d{3}-\d{2}-\d{4}$/.test(raw) && validSomewhere(raw, regions)) out.push({ type: 'PHONE', start, end, score: 0.55 });
        continue;
      }
      const base = context ? 0.85 : shaped ? 0.7 : 0.5;
      out.push({ type: 'PHONE', start, end, score: context ? base : validSomewhere(raw, regions) ? base + 0.1 : base });
    }
    return out;
  },
};
