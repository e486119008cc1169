/**
 * Secrets. API_KEY: vendor token formats from a maintained rule set (gitleaks' rules as data, plus ours, see
 * secrets/rules.ts), keyed values whose key names a vendor (gitleaks' semi-generic rules), high-entropy values next to
 * key-like words (`token`, `secret`, `api key`, …), and private-key blocks (PEM, also JSON-escaped or cut short).
 * CREDENTIAL: passwords — in connection URIs (`postgresql://user:password@host`) and assigned to password-like names.
 *
 * Every secret is a run of token characters, so one cheap scan finds the candidate runs and each run meets only the
 * rules indexed under its first two characters: the cost grows with the text, not with the size of the rule set.
 */
import { matches } from '../context.js';
import type { Detector, EntityType, Finding } from '../types.js';
import { secretRules, semiGenericRulesFor, type TokenRule } from './secrets/rules.js';

/**
 * A run of token characters long enough to be a secret; base64 padding may close it. The leading \b changes no match
 * (a run that failed from its first character fails from every later one) but stops the engine from retrying each
 * shorter word at every one of its letters: without it this was the fast tier's costliest pattern on plain prose.
 */
const RUN = /\b[A-Za-z0-9_][A-Za-z0-9_.+/~-]{9,}={0,3}/g;
/** Runs that are plain words ("responsibilities") are not secrets: a secret has a digit, a symbol or inner capitals. */
const SECRET_SHAPED = /[\d_.~/+-]|[a-z][A-Z]/;
const DIGITS_ONLY = /^[\d.+/-]+$/;

/**
 * The key name before a value: a word or a short phrase, an assignment (`=`, `:`, `:=`, `=>`, `,`, or "is"), quotes
 * and an optional scheme word (`Bearer`). As gitleaks' semi-generic rules read it, widened to prose.
 */
const KEY_BEFORE = /((?:[\w.-]+[ \t]+){0,3}[\w.-]+)[ \t'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,|[ \t]+(?:is|was|are)[ \t]*:?)[\x60'"\s=]{0,5}(?:(?:bearer|token|basic)[ \t]+)?$/i;
/** Key names that say a value is a secret. */
const KEY_NAME = /secret|token|api[_ -]?key|apikey|passw|pwd|client[_-]?id|tenant[_-]?id|access[_-]?key|private[_-]?key|credential|authorization|bearer|auth[_-]?key/i;
/** Key names that say the value is a password: a credential rather than an API key. */
const PASSWORD_NAME = /passw|pwd|passphrase/i;
const PASSWORD_FIELD = /\b[\w.-]*(?:passw(?:or)?d|pwd|passphrase)[\w.-]*["']?[ \t]*(?::=|=>|=|:|[ \t]is)[ \t]*["']?([^\s"'`,;]{6,})/gi;
/** Values that stand for a secret rather than being one ("${TOKEN}", "<your-key>", "changeme"). */
const PLACEHOLDER = /^\$\{|^\$[A-Z_]+$|^<|^x+$|^\*+$|^example|changeme|placeholder|^your[_-]|redacted/i;

/** scheme://user:password@host: the user and the password. */
const URI_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/([^\s:/@"'<>]+):([^\s@/"'<>]+)@/gi;
/** Private keys: a whole block, or one cut short (a paste, a JSON string with `\n` escapes that ends early). */
const PRIVATE_KEY = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,20000}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|(?:[A-Za-z0-9+/=\s]|\\[nr])*)/g;

export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** The first rule of a list that matches in the window around a run; the span of its secret, in text offsets. */
function tokenMatch(rules: readonly TokenRule[], window: string, offset: number, runStart: number, runEnd: number): [number, number] | undefined {
  for (const rule of rules) {
    const m = rule.pattern.exec(window);
    if (!m) continue;
    const [s, e] = m.indices?.[1] ?? m.indices![0]!;
    const secret = window.slice(s, e);
    if (offset + s > runEnd || offset + e < runStart) continue;
    if (rule.entropy && entropy(secret) < rule.entropy) continue;
    if (rule.allow.some((a) => a.test(secret))) continue;
    return [offset + s, offset + e];
  }
  return undefined;
}

/** A cheap look before KEY_BEFORE's: an assignment sign or one of its words just before the run. */
function assigned(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && start - i <= 6 && (text[i] === ' ' || text[i] === '\t' || text[i] === '"' || text[i] === "'" || text[i] === '`')) i--;
  const c = text[i];
  if (c === '=' || c === ':' || c === '>' || c === ',' || c === '|') return true;
  return /(?:\bis|\bwas|\bare|bearer|token|basic)$/i.test(text.slice(Math.max(0, i - 5), i + 1));
}

function scan(text: string): Finding[] {
  const rules = secretRules();
  const out: Finding[] = [];
  const push = (type: EntityType, start: number, end: number, score: number): void => void out.push({ type, start, end, score });
  if (text.includes('-----BEGIN')) for (const m of matches(text, PRIVATE_KEY)) if (m[0].length > 40) push('API_KEY', m.index, m.index + m[0].trimEnd().length, 0.99);
  if (text.includes('://')) {
    for (const m of matches(text, URI_CREDENTIALS)) {
      const [user, password] = [m[1]!, m[2]!];
      const userAt = m.index + m[0].indexOf('://') + 3;
      // A token in the user slot (`https://<token>:x-oauth-basic@github.com`) is an API key, not a password.
      if (user.length >= 20 && entropy(user) >= 3) push('API_KEY', m.index, userAt + user.length, 0.9);
      else if (!PLACEHOLDER.test(password) && !/^pass(?:word)?$|^secret$/i.test(password)) push('CREDENTIAL', userAt + user.length + 1, userAt + user.length + 1 + password.length, 0.9);
    }
  }
  for (const m of matches(text, RUN)) {
    const run = m[0];
    if (!SECRET_SHAPED.test(run) && run.length < 30) continue;
    const start = m.index;
    const end = start + run.length;
    // Digits and separators only (a card, a date, a phone number) are a secret only by their key name.
    if (!DIGITS_ONLY.test(run)) {
      const candidates = rules.byPrefix.get(run.slice(0, 2).toLowerCase());
      const inside = rules.insideKeyword.test(run) ? rules.inside.filter((r) => r.keywords.some((k) => run.toLowerCase().includes(k))) : undefined;
      if (candidates || inside) {
        const offset = Math.max(0, start - 1);
        // A rule may read past the run (`_authToken=…`, `_gitlab_session=…`): the window reaches a little beyond it.
        const window = text.slice(offset, end + 160);
        const token = (candidates && tokenMatch(candidates, window, offset, start, end)) ?? (inside && tokenMatch(inside, window, offset, start, end));
        if (token) {
          push('API_KEY', token[0], token[1], 0.95);
          continue;
        }
      }
    }
    if (!assigned(text, start)) continue;
    const key = KEY_BEFORE.exec(text.slice(Math.max(0, start - 80), start));
    if (!key) continue;
    const name = key[1]!.toLowerCase();
    const keyStart = start - key[0].length;
    const value = text.slice(start, end + 2);
    const vendor = semiGenericRulesFor(name, rules).find((r) => {
      const v = r.secret.exec(value);
      return v && entropy(v[1]!) >= r.entropy;
    });
    if (vendor) {
      push('API_KEY', keyStart, start + vendor.secret.exec(value)![1]!.length, 0.85);
      continue;
    }
    if (!KEY_NAME.test(name) || PASSWORD_NAME.test(name) || PLACEHOLDER.test(run)) continue;
    // Code (`process.env.API_KEY`, `config.token`) is lower-entropy than a secret of the same length.
    if (entropy(run) < 3 || run.length < 16 || /^[a-z]+(?:\.[a-z_]+)+$/i.test(run)) continue;
    push('API_KEY', keyStart, end, 0.75);
  }
  // A password runs to the next blank or quote (`k7#Vx!29`): symbols a token run would stop at.
  if (PASSWORD_NAME.test(text)) {
    for (const m of matches(text, PASSWORD_FIELD)) {
      const value = m[1]!;
      if (PLACEHOLDER.test(value) || entropy(value) < 2.5 || /^[a-z]+(?:\.[a-z_]+)+$/i.test(value)) continue;
      push('CREDENTIAL', m.index, m.index + m[0].length, 0.75);
    }
  }
  return out;
}

/** API_KEY and CREDENTIAL come from one scan; the engine asks for both of a text in a row. */
let last: { text: string; found: Finding[] } | undefined;
function scanned(text: string): Finding[] {
  if (last?.text !== text) last = { text, found: scan(text) };
  return last.found;
}

/** Every finding lies in a run of token characters, a private-key block, a URI with credentials or a password field. */
const TRIGGERS = [/[A-Za-z0-9_][A-Za-z0-9_.+/~-]{9}/, /-----BEGIN/, /:\/\//, PASSWORD_NAME];

export const apiKeyDetector: Detector = {
  type: 'API_KEY',
  triggers: TRIGGERS,
  detect: (text) => scanned(text).filter((f) => f.type === 'API_KEY'),
};

export const credentialDetector: Detector = {
  type: 'CREDENTIAL',
  triggers: TRIGGERS,
  detect: (text) => scanned(text).filter((f) => f.type === 'CREDENTIAL'),
};
