import type { CountryCode } from 'libphonenumber-js/max';
import { POLICY_ENTITY_TYPES } from '@airlock/policies';

/** One vocabulary of entity types for detection, the policy input and decisions: the policy contract's. */
export const ENTITY_TYPES = POLICY_ENTITY_TYPES;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** `fast`: pattern and checksum types, cheap enough for every call. `full`: adds PERSON, LOCATION, DATE_OF_BIRTH. */
export type Tier = 'fast' | 'full';
export const FULL_ONLY: ReadonlySet<EntityType> = new Set(['PERSON', 'LOCATION', 'DATE_OF_BIRTH']);

/** One entity found in a text: JavaScript string offsets, end exclusive. */
export interface Finding {
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
  /** Confidence 0..1; context words move it up or down. */
  readonly score: number;
}

/** What a recogniser may be told per call. */
export interface DetectorOptions {
  /** Regions (ISO 3166 alpha-2) whose numbering plans apply to phone numbers written without a country code. */
  readonly regions?: readonly CountryCode[];
}

export interface Detector {
  readonly type: EntityType;
  /**
   * Patterns of which every text holding this entity matches at least one (a digit, an `@`, …). The engine tests
   * the union of all triggers once per text, so a text with nothing PII-shaped in it skips these detectors with one
   * scan. Detectors without triggers always run.
   */
  readonly triggers?: readonly RegExp[];
  detect(text: string, options?: DetectorOptions): Finding[];
}
