/**
 * The pattern-and-checksum recognisers (the `fast` tier): each validates what its pattern finds, so a number that
 * only looks like a card or an SSN is not reported.
 */
import { isIP } from 'node:net';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { hasContext, matches } from '../context.js';
import type { Detector, Finding } from '../types.js';

const EMAIL = /(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;

export const emailDetector: Detector = {
  type: 'EMAIL',
  triggers: [/@/],
  detect: (text) => (text.includes('@') ? matches(text, EMAIL) : []).map((m) => ({ type: 'EMAIL', start: m.index, end: m.index + m[0].length, score: 0.95 })),
};

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const CARD = /(?<![\d-])(?:\d[ -]?){11,18}\d(?![\d-])/g;
const CARD_CONTEXT = /card|visa|master|amex|credit|debit|cc\b|payment/i;

export const creditCardDetector: Detector = {
  type: 'CREDIT_CARD',
  triggers: [/\d/],
  detect(text) {
    const out: Finding[] = [];
    for (const m of matches(text, CARD)) {
      const digits = m[0].replace(/[ -]/g, '');
      if (digits.length < 12 || digits.length > 19 || !luhn(digits) || /^(\d)\1+$/.test(digits)) continue;
      // Issuer prefixes: Visa, Mastercard, Amex/Diners/JCB, Discover/UnionPay/Maestro, UATP, and JCB's 15-digit 2131/1800.
      if (!/^(?:4|5|2[2-7]|3[0-9]|6|1|2131|1800)/.test(digits)) continue;
      const start = m.index;
      const end = m.index + m[0].length;
      const context = hasContext(text, start, end, CARD_CONTEXT);
      // Twelve-digit (Maestro) numbers are too common otherwise: they need card context.
      if (digits.length < 13 && !context) continue;
      out.push({ type: 'CREDIT_CARD', start, end, score: context ? 0.99 : 0.9 });
    }
    return out;
  },
};

/** Any case, grouped by blanks or hyphens or not at all; the checksum decides. */
const IBAN = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])/g;

export const ibanDetector: Detector = {
  type: 'IBAN',
  triggers: [/\d/],
  detect(text) {
    const out: Finding[] = [];
    for (const m of matches(text, IBAN)) {
      // The pattern may run into a following word; trim group by group until the checksum holds.
      let candidate = m[0];
      while (candidate.length >= 15) {
        const iban = electronicFormatIBAN(candidate.toUpperCase());
        if (iban && isValidIBAN(iban)) {
          out.push({ type: 'IBAN', start: m.index, end: m.index + candidate.length, score: 0.99 });
          break;
        }
        const gap = Math.max(candidate.lastIndexOf(' '), candidate.lastIndexOf('-'));
        candidate = candidate.slice(0, gap > 4 ? gap : candidate.length - 1).replace(/[ -]+$/, '');
      }
    }
    return out;
  },
};

const SSN = /(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])/g;
const SSN_CONTEXT = /ssn|social security|social-security|ss#|ss #|taxpayer|tin\b/i;

/** SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export const ssnDetector: Detector = {
  type: 'SSN',
  triggers: [/\d/],
  detect(text) {
    const out: Finding[] = [];
    for (const m of matches(text, SSN)) {
      const [area, sep, group, serial] = [m[1]!, m[2]!, m[3]!, m[4]!];
      if (area === '000' || area === '666' || area[0] === '9' || group === '00' || serial === '0000') continue;
      const start = m.index;
      const end = m.index + m[0].length;
      const context = hasContext(text, start, end, SSN_CONTEXT);
      if (!sep && !context) continue;
      out.push({ type: 'SSN', start, end, score: context ? 0.95 : sep === '-' ? 0.85 : 0.5 });
    }
    return out;
  },
};

const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]|\.\d)/g;
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?(?![\w:])/g;

export const ipDetector: Detector = {
  type: 'IP_ADDRESS',
  triggers: [/\d|[0-9a-f]?:[0-9a-f]*:/i],
  detect(text) {
    const out: Finding[] = [];
    if (/\d\.\d/.test(text)) for (const m of matches(text, IPV4)) out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.9 });
    for (const m of /[0-9a-f]?:[0-9a-f]*:/i.test(text) ? matches(text, IPV6) : []) {
      if (isIP(m[0].split('%')[0]!) === 6 && /[0-9a-f]/i.test(m[0]) && m[0].length > 3) out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.9 });
    }
    return out;
  },
};

const URL_RE = /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s<>"'`{}|\\^]+[^\s<>"'`{}|\\^.,;:!?)\]]/gi;

export const urlDetector: Detector = {
  type: 'URL',
  triggers: [/https?:\/\/|ftp:\/\/|www\./i],
  detect(text) {
    const out: Finding[] = [];
    for (const m of matches(text, URL_RE)) {
      // Credentials inside a URL are an API key, reported by that recogniser; the URL itself is still a URL.
      out.push({ type: 'URL', start: m.index, end: m.index + m[0].length, score: 0.85 });
    }
    return out;
  },
};
