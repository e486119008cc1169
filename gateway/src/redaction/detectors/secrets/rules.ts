/**
 * The secret rules as data: gitleaks' default rule set (gitleaks-rules.json, MIT), plus the formats it lacks or
 * writes too strictly for real pastes (ours, below). Go's RE2 syntax is translated once at load; each rule is
 * indexed by where its keyword sits, so a candidate token meets only the few rules that could match it.
 */
import { readFileSync } from 'node:fs';

interface RawRule {
  readonly id: string;
  readonly regex: string;
  readonly keywords: readonly string[];
  readonly entropy?: number;
  readonly allow?: readonly string[];
}

interface RawSemiGeneric {
  readonly id: string;
  readonly identifiers: string;
  readonly secret: string;
  readonly entropy?: number;
}

export interface TokenRule {
  readonly id: string;
  /** Matches a token inside a short window around a candidate run; group 1, when present, is the secret. */
  readonly pattern: RegExp;
  readonly keywords: readonly string[];
  /** Shannon entropy (bits per character) the secret must reach; only for rules whose keyword is short. */
  readonly entropy: number;
  readonly allow: readonly RegExp[];
}

export interface SemiGenericRule {
  readonly id: string;
  /** Anchored at the start of a value and closed by a terminator, so only a value of exactly this shape matches. */
  readonly secret: RegExp;
  readonly entropy: number;
}

/**
 * Formats gitleaks' rule set lacks (Docker, a 1Password service-account token of any length) or that secretlint's
 * presets write more loosely than gitleaks (OpenAI, Anthropic, GitHub, Groq, Stripe, Cloudflare, Vercel, npm).
 */
const OURS: readonly RawRule[] = [
  { id: 'docker-pat', regex: '\\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,})', keywords: ['dckr_'] },
  { id: '1password-service-account-token-any-length', regex: '\\b(ops_eyJ[A-Za-z0-9+/_-]{40,}={0,3})', keywords: ['ops_'] },
  { id: 'openai-api-key-loose', regex: '\\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{10,}T3BlbkFJ[A-Za-z0-9_-]{10,})(?![A-Za-z0-9_-])', keywords: ['sk-'] },
  { id: 'anthropic-api-key-loose', regex: '\\b(sk-ant-(?:api|admin|oat)\\d{2}-[A-Za-z0-9_-]{80,})(?![A-Za-z0-9_-])', keywords: ['sk-ant-'] },
  { id: 'groq-api-key', regex: '\\b(gsk_[A-Za-z0-9]{52})(?![A-Za-z0-9_-])', keywords: ['gsk_'] },
  { id: 'stripe-secret-key', regex: '\\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,99})(?![A-Za-z0-9_-])', keywords: ['sk_', 'rk_'] },
  { id: 'github-token-long', regex: '\\b(gh[pousr]_[A-Za-z0-9]{36,255})(?![A-Za-z0-9_-])', keywords: ['gh'] },
  { id: 'github-fine-grained-pat-loose', regex: '\\b(github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_-])', keywords: ['github_pat_'] },
  { id: 'gitlab-pat-loose', regex: '\\b(glpat-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])', keywords: ['glpat-'] },
  { id: 'slack-token', regex: '\\b(xox[baprse]-[A-Za-z0-9-]{10,})(?![A-Za-z0-9_-])', keywords: ['xox'] },
  { id: 'cloudflare-api-token', regex: '\\b(cf(?:at|ut|k)_[A-Za-z0-9]{40}[0-9a-f]{8})(?![A-Za-z0-9_-])', keywords: ['cf'] },
  { id: 'vercel-token', regex: '\\b(vc[aikrp]_[A-Za-z0-9]{40,})(?![A-Za-z0-9_-])', keywords: ['vc'] },
  { id: 'npm-token', regex: '\\b(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_-])', keywords: ['npm_'] },
  { id: 'npmrc-auth-token', regex: '_authToken=(?!\\$\\{)[A-Za-z0-9_+/=-]{20,}', keywords: ['_authtoken'] },
  { id: 'huggingface-token-mixed', regex: '\\b(hf_[A-Za-z0-9]{34,})(?![A-Za-z0-9_-])', keywords: ['hf_'] },
  { id: 'sendgrid-api-key', regex: '\\b(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])', keywords: ['sg.'] },
  { id: 'vault-service-token-any-length', regex: '\\b(hv[sbr]\\.[A-Za-z0-9_-]{24,})(?![A-Za-z0-9_-])', keywords: ['hv'] },
  { id: 'grafana-cloud-token-any-length', regex: '\\b(gl(?:c|sa)_[A-Za-z0-9_+/=-]{24,})(?![A-Za-z0-9_-])', keywords: ['glc_', 'glsa_'] },
  { id: 'databricks-token-any-case', regex: '\\b(dapi[a-fA-F0-9]{32}(?:-\\d+)?)(?![A-Za-z0-9_-])', keywords: ['dapi'] },
  { id: 'aws-access-key-id', regex: '\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9_-])', keywords: ['a3t', 'akia', 'asia', 'abia', 'acca'] },
  { id: 'github-app-installation-token', regex: '\\b(gh[su]_\\d+_[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,})', keywords: ['ghs_', 'ghu_'] },
  { id: 'figma-token', regex: '\\b(fig[dou]_[A-Za-z0-9_-]{40,})(?![A-Za-z0-9_-])', keywords: ['fig'] },
  { id: 'tailscale-key', regex: '\\b(tskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{8,}-[A-Za-z0-9]{16,})(?![A-Za-z0-9_-])', keywords: ['tskey-'] },
  { id: 'shopify-token', regex: '\\b(shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,})(?![A-Za-z0-9_-])', keywords: ['shp'] },
  { id: 'airlock-virtual-key', regex: '\\b(alk_[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])', keywords: ['alk_'] },
];

/** Values whose key name says what they are, beyond gitleaks' list: AWS account and secret keys, Azure ids. */
const OURS_SEMI_GENERIC: readonly RawSemiGeneric[] = [
  { id: 'aws-account-id', identifiers: 'aws_?account_?id', secret: '\\d{4}-?\\d{4}-?\\d{4}' },
  { id: 'aws-secret-access-key', identifiers: 'aws_?secret_?access_?key|aws_?secret', secret: '[A-Za-z0-9/+=]{40}' },
];

/**
 * gitleaks rules that ours replace: secretlint, whose fixtures show what users paste, takes a Stripe key of fewer than
 * 24 characters for no key at all, and reports AWS's documentation key (gitleaks allows it) — redacting a sample
 * key costs nothing, missing a real one that happens to end in EXAMPLE would.
 */
const SUPERSEDED = new Set(['stripe-access-token', 'aws-access-token']);

/**
 * Go RE2 to JavaScript: inline case flags become the whole pattern's `i` flag (looser only in letter case), `(?s:.)`
 * becomes `[\s\S]` and `\z` becomes `$`.
 */
export function translate(source: string): RegExp {
  const caseless = /\(\?i[):]/.test(source);
  const js = source
    .replace(/\(\?i\)/g, '')
    .replace(/\(\?-?i:/g, '(?:')
    .replace(/\(\?s:\.\)/g, '[\\s\\S]')
    .replace(/\\z/g, '$')
    .replace(/\(\?P</g, '(?<');
  return new RegExp(js, caseless ? 'id' : 'd');
}

/** Semi-generic rules as gitleaks' generator builds them: this is the value part, closed the same way. */
const TERMINATOR = '(?:[\\x60\'"\\s;]|\\\\[nr]|$)';

interface Loaded {
  /** Rules by the first two lower-case characters of a keyword that opens the token. */
  readonly byPrefix: ReadonlyMap<string, readonly TokenRule[]>;
  /** Rules whose keyword sits inside the token (Azure's `Q~`, OpenAI's `T3BlbkFJ`, …), and one test for all their keywords. */
  readonly inside: readonly TokenRule[];
  readonly insideKeyword: RegExp;
  /** One pattern of every semi-generic identifier, for a key name; and the rules by identifier. */
  readonly identifier: RegExp;
  readonly identifiers: readonly string[];
  readonly byIdentifier: ReadonlyMap<string, readonly SemiGenericRule[]>;
  readonly count: number;
}

let loaded: Loaded | undefined;

/** Whether the token opens with this keyword: the pattern, with any leading anchors and groups dropped, starts with it. */
function opensWith(source: string, keyword: string): boolean {
  const head = source.replace(/^(?:\\b|\(\?i\)|\((?:\?:)?)+/, '').toLowerCase().replace(/\\/g, '');
  return head.startsWith(keyword) || new RegExp(`^\\(?(?:\\?:)?(?:[^()]*\\|)?${keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(head);
}

export function secretRules(): Loaded {
  if (loaded) return loaded;
  const data = JSON.parse(readFileSync(new URL('./gitleaks-rules.json', import.meta.url), 'utf8')) as { rules: RawRule[]; semiGeneric: RawSemiGeneric[] };
  const byPrefix = new Map<string, TokenRule[]>();
  const inside: TokenRule[] = [];
  for (const raw of [...OURS, ...data.rules.filter((r) => !SUPERSEDED.has(r.id))]) {
    // A rule whose keywords are long is specific by its prefix; gitleaks' entropy floors exist for short ones.
    const short = Math.min(...raw.keywords.map((k) => k.length)) <= 4;
    const rule: TokenRule = { id: raw.id, pattern: translate(raw.regex), keywords: raw.keywords, entropy: short ? (raw.entropy ?? 0) : 0, allow: (raw.allow ?? []).map(translate) };
    const opening = raw.keywords.filter((k) => opensWith(raw.regex, k));
    if (opening.length === raw.keywords.length) {
      for (const k of new Set(opening.map((k) => k.slice(0, 2)))) byPrefix.set(k, [...(byPrefix.get(k) ?? []), rule]);
    } else inside.push(rule);
  }
  const byIdentifier = new Map<string, SemiGenericRule[]>();
  for (const raw of [...OURS_SEMI_GENERIC, ...data.semiGeneric]) {
    const rule: SemiGenericRule = { id: raw.id, secret: new RegExp(`^(${raw.secret})${TERMINATOR}`, 'i'), entropy: raw.entropy ?? 0 };
    byIdentifier.set(raw.identifiers, [...(byIdentifier.get(raw.identifiers) ?? []), rule]);
  }
  const identifiers = [...byIdentifier.keys()];
  // One group per rule's identifiers, inner groups made non-capturing, so the group that matched names the rules.
  const identifier = new RegExp(identifiers.map((k) => `(${k.replace(/\((?!\?)/g, '(?:')})`).join('|'), 'g');
  const insideKeyword = new RegExp(inside.flatMap((r) => r.keywords).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  loaded = { byPrefix, inside, insideKeyword, identifier, identifiers, byIdentifier, count: OURS.length + OURS_SEMI_GENERIC.length + data.rules.length + data.semiGeneric.length };
  return loaded;
}

/** The semi-generic rules whose identifiers a key name holds (`CLOUDFLARE_API_TOKEN` holds `cloudflare`). */
export function semiGenericRulesFor(key: string, rules: Loaded): SemiGenericRule[] {
  const found: SemiGenericRule[] = [];
  rules.identifier.lastIndex = 0;
  for (let m = rules.identifier.exec(key); m; m = rules.identifier.exec(key)) {
    const i = m.findIndex((g, at) => at > 0 && g !== undefined);
    found.push(...rules.byIdentifier.get(rules.identifiers[i - 1]!)!);
  }
  return found;
}
