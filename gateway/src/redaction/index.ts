/**
 * PII detection and redaction: `detect` finds entities; a RedactionPlan says which to redact and how; the body
 * helpers apply it to API request shapes; the restorers put placeholders' originals back in responses and streams.
 */
export { detect, DETECTORS, type DetectOptions } from './engine.js';
export { ENTITY_TYPES, FULL_ONLY, type EntityType, type Finding, type Tier, type Detector, type DetectorOptions } from './types.js';
export { DEFAULT_PHONE_REGIONS } from './detectors/phone.js';
export { MODES, Vault, redactText, restoreText, type FindingsCache, type Mode, type RedactionPlan, type RedactedText } from './modes.js';
export { STRUCTURAL, redactBody, restoreBody, type BodyScan } from './messages.js';
export { PlaceholderRestorer, StreamRedactor, createRestoreTransform, redactStrings, type ResponseTextOptions } from './stream-restore.js';
