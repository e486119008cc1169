/**
 * Runs the recognisers of a tier over a text and resolves overlaps: where findings overlap, the one with the higher
 * score wins (ties: the longer one), except that a validated number (card, IBAN, SSN) is never taken for a phone.
 */
import { apiKeyDetector } from './detectors/api-key.js';
import { dateOfBirthDetector, locationDetector, personDetector } from './detectors/entities.js';
import { creditCardDetector, emailDetector, ibanDetector, ipDetector, phoneDetector, ssnDetector, urlDetector } from './detectors/patterns.js';
import { FULL_ONLY, type Detector, type EntityType, type Finding, type Tier } from './types.js';

/** Order matters only for ties; validated types first. */
export const DETECTORS: readonly Detector[] = [
  apiKeyDetector,
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

const PRIORITY: Partial<Record<EntityType, number>> = { API_KEY: 3, EMAIL: 2, IBAN: 2, CREDIT_CARD: 2, SSN: 2, IP_ADDRESS: 1, URL: 1, DATE_OF_BIRTH: 1 };

export interface DetectOptions {
  readonly tier?: Tier;
  /** Only these types (default: every type of the tier). */
  readonly types?: ReadonlySet<EntityType>;
  /** Findings below this score are dropped. */
  readonly minScore?: number;
}

export const DEFAULT_MIN_SCORE = 0.5;

function wins(a: Finding, b: Finding): boolean {
  const pa = PRIORITY[a.type] ?? 0;
  const pb = PRIORITY[b.type] ?? 0;
  if (pa !== pb) return pa > pb;
  if (a.score !== b.score) return a.score > b.score;
  return a.end - a.start > b.end - b.start;
}

export function detect(text: string, options: DetectOptions = {}): Finding[] {
  const tier = options.tier ?? 'fast';
  const min = options.minScore ?? DEFAULT_MIN_SCORE;
  const found: Finding[] = [];
  for (const d of DETECTORS) {
    if (tier === 'fast' && FULL_ONLY.has(d.type)) continue;
    if (options.types && !options.types.has(d.type)) continue;
    for (const f of d.detect(text)) if (f.score >= min && f.end > f.start) found.push(f);
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  for (const f of found) {
    const clash = kept.findIndex((k) => k.start < f.end && f.start < k.end);
    if (clash < 0) kept.push(f);
    else if (wins(f, kept[clash]!)) kept[clash] = f;
  }
  return kept.sort((a, b) => a.start - b.start);
}
