/**
 * Signed webhooks: `x-airlock-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp
 * inside the signed text makes a captured delivery useless after the tolerance window; several `v1=` entries may
 * appear while a secret is being rotated.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HEADERS } from '../core/constants.js';
import { AirlockError } from '../errors/airlock-error.js';

export const DEFAULT_WEBHOOK_TOLERANCE_S = 300;

export class WebhookVerificationError extends AirlockError {
  override name = 'WebhookVerificationError';
}

export interface VerifyOptions {
  /** How old (or how far in the future) a delivery may be. Default 300 s. */
  readonly toleranceSeconds?: number;
  /** Now, in milliseconds (tests). */
  readonly now?: number;
}

const hmac = (secret: string, timestamp: number, body: string | Uint8Array): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** The header value for a delivery; the gateway signs with this. */
export function signWebhook(body: string | Uint8Array, secret: string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body).toString('hex')}`;
}

type HeaderBag = Headers | Readonly<Record<string, string | string[] | undefined>>;

function signatureHeader(headers: HeaderBag): string | null {
  if (headers instanceof Headers) return headers.get(HEADERS.signature);
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === HEADERS.signature)?.[1];
  return Array.isArray(entry) ? (entry[0] ?? null) : (entry ?? null);
}

/**
 * Checks a delivery against the secret and returns its parsed JSON body. Pass the raw body exactly as received
 * (a re-serialised object would not match). Throws WebhookVerificationError when anything is off.
 */
export function verifyWebhook<T = unknown>(body: string | Uint8Array, headers: HeaderBag, secret: string, options: VerifyOptions = {}): T {
  if (!secret) throw new WebhookVerificationError('No webhook secret given.');
  const header = signatureHeader(headers);
  if (!header) throw new WebhookVerificationError(`The ${HEADERS.signature} header is missing.`);
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string | undefined]);
  const timestamp = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k, v]) => k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!Number.isInteger(timestamp) || signatures.length === 0) throw new WebhookVerificationError(`The ${HEADERS.signature} header is malformed.`);
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_S;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > tolerance) throw new WebhookVerificationError(`The delivery's timestamp is outside the ${tolerance} s window.`);
  const expected = hmac(secret, timestamp, body);
  if (!signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected))) {
    throw new WebhookVerificationError('The signature does not match.');
  }
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new WebhookVerificationError('The delivery is signed but is not JSON.');
  }
}
