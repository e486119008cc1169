/**
 * Runs the recognisers of a tier over a text and resolves overlaps: where findings overlap, the one with the higher
 * score wins (ties: the longer one), except that a validated number (card, IBAN, SSN) is never taken for a phone.
 */
import { apiKeyDetector, credentialDetector } from './detectors/api-key.js';
import { dateOfBirthDetector } from './detectors/date-of-birth.js';
import { locationDetector } from './detectors/location.js';
import { personDetector } from './detectors/person.js';
import { creditCardDetector, emailDetector, ibanDetector, ipDetector, ssnDetector, urlDetector } from './detectors/patterns.js';
import { phoneDetector } from './detectors/phone.js';
import type { CountryCode } from 'libphonenumber-js/max';
import { FULL_ONLY, type Detector, type EntityType, type Finding, type Tier } from './types.js';

/** Order matters only for ties; validated types first. */
export const DETECTORS: readonly Detector[] = [
  apiKeyDetector,
  credentialDetector,
  emailDetector,
  ibanDetector,
  creditCardDetector,
  ssnDetector,
  ipDetector,
  urlDetector,
  phoneDetector,
  dateOfBirthDetector,
  personDetector,
  locationDetector,
];

const PRIORITY: Partial<Record<EntityType, number>> = { API_KEY: 3, CREDENTIAL: 3, EMAIL: 2, IBAN: 2, CREDIT_CARD: 2, SSN: 2, IP_ADDRESS: 1, URL: 1, PHONE: 1, DATE_OF_BIRTH: 1 };

export interface DetectOptions {
  readonly tier?: Tier;
  /** Only these types (default: every type of the tier). */
  readonly types?: ReadonlySet<EntityType>;
  /** Findings below this score are dropped. */
  readonly minScore?: number;
  /** Default regions for phone numbers without a country code (default: DEFAULT_PHONE_REGIONS). */
  readonly regions?: readonly CountryCode[];
}

export const DEFAULT_MIN_SCORE = 0.5;

/** The union of every detector's trigger, one pattern per set of flags (a case-blind union would match far more). */
const TRIGGERS: readonly RegExp[] = (() => {
  const byFlags = new Map<string, string[]>();
  for (const trigger of DETECTORS.flatMap((d) => d.triggers ?? [])) {
    // Without g or y: a stateful test would skip matches from one text to the next.
    const flags = trigger.flags.replace(/[gy]/g, '');
    byFlags.set(flags, [...(byFlags.get(flags) ?? []), `(?:${trigger.source})`]);
  }
  return [...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags));
})();

function rank(a: Finding, b: Finding): number {
  return (PRIORITY[b.type] ?? 0) - (PRIORITY[a.type] ?? 0) || b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start;
}

/** Overlapping places become one (a street line and the address block around it); other types keep their best. */
function mergeSameType(found: Finding[]): Finding[] {
  found.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.start - b.start));
  const out: Finding[] = [];
  for (const f of found) {
    const last = out[out.length - 1];
    if (last && f.type === 'LOCATION' && last.type === f.type && f.start < last.end) {
      out[out.length - 1] = { type: f.type, start: last.start, end: Math.max(last.end, f.end), score: Math.max(last.score, f.score) };
    } else out.push(f);
  }
  return out;
}

/**
 * Findings of a text, without overlaps: where two overlap, the validated type wins, then the higher score, then the
 * longer span.
 */
export function detect(text: string, options: DetectOptions = {}): Finding[] {
  const tier = options.tier ?? 'fast';
  const min = options.minScore ?? DEFAULT_MIN_SCORE;
  const found: Finding[] = [];
  const triggered = TRIGGERS.some((t) => t.test(text));
  for (const d of DETECTORS) {
    if (tier === 'fast' && FULL_ONLY.has(d.type)) continue;
    if (options.types && !options.types.has(d.type)) continue;
    if (d.triggers && !triggered) continue;
    for (const f of d.detect(text, options)) if (f.score >= min && f.end > f.start) found.push(f);
  }
  if (found.length < 2) return found;
  const candidates = mergeSameType(found).sort(rank);
  const kept: Finding[] = [];
  for (const f of candidates) if (!kept.some((k) => k.start < f.end && f.start < k.end)) kept.push(f);
  return kept.sort((a, b) => a.start - b.start);
}
