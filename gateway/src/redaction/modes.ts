/**
 * What happens to a finding: `mask` ([EMAIL]), `placeholder` (<EMAIL_1>, restored in the response from a per-call
 * vault, so the user sees the original and the model never does), `hash` (<EMAIL_3f9a…>, keyed per tenant, stable
 * across calls) or `drop` (removed).
 */
import { createHmac } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js/max';
import { detect } from './engine.js';
import { ENTITY_TYPES, type EntityType, type Finding, type Tier } from './types.js';

export const MODES = ['mask', 'placeholder', 'hash', 'drop'] as const;
export type Mode = (typeof MODES)[number];

export interface RedactionPlan {
  readonly entities: ReadonlySet<EntityType>;
  readonly mode: Mode;
  readonly modes?: Partial<Record<EntityType, Mode>>;
  readonly tier: Tier;
  /** Default regions for phone numbers written without a country code (default: DEFAULT_PHONE_REGIONS). */
  readonly regions?: readonly CountryCode[];
  /** Secret for `hash` mode, per tenant. */
  readonly hashKey?: string;
  /** Also redact PII the model writes in its response (masked, since the user never saw a placeholder for it). */
  readonly output?: boolean;
  /** Output redaction on a stream that cannot be read: stop it (`block`) or let it through (`pass`). */
  readonly onUnsafeStream?: 'block' | 'pass';
}

/** Per-call memory of placeholders: the same value gets the same placeholder throughout a call. */
export class Vault {
  readonly #byPlaceholder = new Map<string, string>();
  readonly #byValue = new Map<string, string>();
  readonly #counters = new Map<EntityType, number>();

  placeholderFor(type: EntityType, value: string): string {
    const key = `${type}\u0000${value}`;
    let p = this.#byValue.get(key);
    if (!p) {
      const n = (this.#counters.get(type) ?? 0) + 1;
      this.#counters.set(type, n);
      p = `<${type}_${n}>`;
      this.#byValue.set(key, p);
      this.#byPlaceholder.set(p, value);
    }
    return p;
  }

  get size(): number {
    return this.#byPlaceholder.size;
  }

  original(placeholder: string): string | undefined {
    return this.#byPlaceholder.get(placeholder);
  }

  /** Placeholder → original, in the order they were made (a suspended call keeps them, sealed). */
  entries(): [placeholder: string, original: string][] {
    return [...this.#byPlaceholder];
  }

  /** A vault holding `entries` again; later placeholders of a type continue its numbering. */
  static from(entries: readonly (readonly [string, string])[]): Vault {
    const vault = new Vault();
    for (const [placeholder, value] of entries) {
      const m = /^<([A-Z_]+)_(\d+)>$/.exec(placeholder);
      if (!m) throw new Error(`not a placeholder: ${placeholder}`);
      const type = m[1] as EntityType;
      vault.#byPlaceholder.set(placeholder, value);
      vault.#byValue.set(`${type}\u0000${value}`, placeholder);
      vault.#counters.set(type, Math.max(vault.#counters.get(type) ?? 0, Number(m[2])));
    }
    return vault;
  }
}

/** A placeholder of any entity type, so a type added to the vocabulary is restored without another list to update. */
export const PLACEHOLDER = new RegExp(`<(?:${ENTITY_TYPES.join('|')})_\\d{1,6}>`, 'g');

function replacement(f: Finding, value: string, plan: RedactionPlan, vault: Vault): string {
  switch (plan.modes?.[f.type] ?? plan.mode) {
    case 'mask':
      return `[${f.type}]`;
    case 'placeholder':
      return vault.placeholderFor(f.type, value);
    case 'hash':
      return `<${f.type}_${createHmac('sha256', plan.hashKey ?? '').update(value).digest('hex').slice(0, 12)}>`;
    case 'drop':
      return '';
  }
}

export interface RedactedText {
  readonly text: string;
  /** Every finding, redacted or not (counts feed the policy input and the trace). */
  readonly findings: readonly Finding[];
  readonly redacted: number;
}

/** Findings already computed for a text in this call (the policy stage scans before the redact stage rewrites). */
export type FindingsCache = Map<string, readonly Finding[]>;

export function redactText(text: string, plan: RedactionPlan, vault: Vault, cache?: FindingsCache): RedactedText {
  const key = `${plan.tier}\u0000${plan.regions?.join(',') ?? ''}\u0000${text}`;
  let findings = cache?.get(key);
  if (!findings) {
    findings = detect(text, { tier: plan.tier, ...(plan.regions ? { regions: plan.regions } : {}) });
    cache?.set(key, findings);
  }
  let out = '';
  let at = 0;
  let redacted = 0;
  for (const f of findings) {
    if (!plan.entities.has(f.type)) continue;
    out += text.slice(at, f.start) + replacement(f, text.slice(f.start, f.end), plan, vault);
    at = f.end;
    redacted++;
  }
  return { text: redacted ? out + text.slice(at) : text, findings, redacted };
}

/** Puts the originals back where the model repeated placeholders. Unknown placeholders stay as they are. */
export function restoreText(text: string, vault: Vault): string {
  if (!vault.size || !text.includes('<')) return text;
  return text.replace(PLACEHOLDER, (p) => vault.original(p) ?? p);
}
