/**
 * Secrets: provider token formats (each with its own length and shape rules, so look-alikes are not reported),
 * private key blocks, credentials inside URLs and connection strings, and secrets assigned to key-like names.
 */
import { matches } from '../context.js';
import type { Detector, Finding } from '../types.js';

/** Not preceded by a word character: a prefix inside another word is not a token. */
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_-])';

/**
 * Provider token formats, each with the literal text every token of that format contains: a pattern runs only when
 * its literal is in the text, so a prompt without any token costs a few substring searches, not twenty regex scans.
 */
const TOKEN_PATTERNS: readonly (readonly [literal: string, pattern: RegExp])[] = [
  ['T3BlbkFJ', new RegExp(`${B}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{10,}T3BlbkFJ[A-Za-z0-9_-]{10,}${E}`, 'g')],
  ['sk-ant-', new RegExp(`${B}sk-ant-(?:api|admin)\\d{2}-[A-Za-z0-9_-]{80,}${E}`, 'g')],
  ['gsk_', new RegExp(`${B}gsk_[A-Za-z0-9]{52}${E}`, 'g')],
  ['k_', new RegExp(`${B}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,99}${E}`, 'g')],
  ['gh', new RegExp(`${B}gh[pousr]_[A-Za-z0-9]{36,255}${E}`, 'g')],
  ['github_pat_', new RegExp(`${B}github_pat_[A-Za-z0-9_]{82}${E}`, 'g')],
  ['glpat-', new RegExp(`${B}glpat-[A-Za-z0-9_-]{20}${E}`, 'g')],
  ['xox', new RegExp(`${B}xox[baprs]-[A-Za-z0-9-]{10,}${E}`, 'g')],
  ['IA', new RegExp(`${B}(?:AKIA|ASIA)[0-9A-Z]{16}${E}`, 'g')],
  ['AIza', new RegExp(`${B}AIza[0-9A-Za-z_-]{35}${E}`, 'g')],
  ['shp', new RegExp(`${B}shp(?:at|ca|pa|ss)_[a-fA-F0-9A-Za-z]{32,}${E}`, 'g')],
  ['vc', new RegExp(`${B}vc[aikrp]_[A-Za-z0-9]{40,}${E}`, 'g')],
  ['npm_', new RegExp(`${B}npm_[A-Za-z0-9]{36}${E}`, 'g')],
  ['cf', new RegExp(`${B}cf(?:at|ut|k)_[A-Za-z0-9]{40}[0-9a-f]{8}${E}`, 'g')],
  ['hf_', new RegExp(`${B}hf_[A-Za-z0-9]{34,}${E}`, 'g')],
  ['SG.', new RegExp(`${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${E}`, 'g')],
  ['alk_', new RegExp(`${B}alk_[A-Za-z0-9_-]{32}${E}`, 'g')],
  ['_authToken=', /_authToken=(?!\$\{)[A-Za-z0-9_+/=-]{20,}/g],
  ['PRIVATE KEY', /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----[\s\S]+?-----END (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----/g],
];

/** scheme://user:secret@host — the credential part. */
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:[^\s@/"']+@/gi;
/** A secret-looking value assigned to a name that says secret, token, key, password, client id… */
const ASSIGNED = /\b[\w.-]*(?:secret|token|api[_-]?key|apikey|password|passwd|pwd|client[_-]?id|tenant[_-]?id|access[_-]?key|private[_-]?key|credential)[\w.-]*["']?\s*(?::=|=|:)\s*["']?([A-Za-z0-9_+/=.-]{16,})["']?/gi;

/** The key-like names ASSIGNED looks for, as a cheap trigger before its costlier scan. */
const KEY_NAME = /secret|token|api[_-]?key|apikey|passw|pwd|client[_-]?id|tenant[_-]?id|access[_-]?key|private[_-]?key|credential/i;

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const apiKeyDetector: Detector = {
  type: 'API_KEY',
  // Token literals are case-sensitive (as in the patterns), key names are not: a case-blind union of both would
  // fire on common words ("via" holds `IA`).
  triggers: [new RegExp([...TOKEN_PATTERNS.map(([literal]) => escapeRegExp(literal)), ':\\/\\/'].join('|')), KEY_NAME],
  detect(text) {
    const out: Finding[] = [];
    for (const [literal, pattern] of TOKEN_PATTERNS) {
      if (!text.includes(literal)) continue;
      for (const m of matches(text, pattern)) out.push({ type: 'API_KEY', start: m.index, end: m.index + m[0].length, score: 0.95 });
    }
    if (text.includes('://')) for (const m of matches(text, URL_CREDENTIALS)) out.push({ type: 'API_KEY', start: m.index, end: m.index + m[0].length - 1, score: 0.9 });
    for (const m of KEY_NAME.test(text) ? matches(text, ASSIGNED) : []) {
      const value = m[1]!;
      if (/^\$\{|^<|^x+$|example|changeme|placeholder/i.test(value) || entropy(value) < 3) continue;
      out.push({ type: 'API_KEY', start: m.index, end: m.index + m[0].length, score: 0.75 });
    }
    return out;
  },
};
