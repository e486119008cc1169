/**
 * Signed deliveries: `x-airlock-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, the format
 * the SDK's verifyWebhook checks (sdk/src/approvals/webhook.ts). The timestamp inside the signed text makes a
 * captured delivery useless once the receiver's tolerance window has passed.
 */
import { createHmac } from 'node:crypto';
import { GatewayError } from '../errors.js';

export function signature(body: string, secret: string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

const ATTEMPTS = 3;

/** POSTs `body` signed; retries a failure twice. Resolves with the receiver's status (2xx), else throws. */
export async function deliverSigned(url: string, body: string, secret: string): Promise<number> {
  let last: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-airlock-signature': signature(body, secret), 'user-agent': 'airlock-gateway' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return res.status;
      last = new Error(`the receiver answered ${res.status}`);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/**
 * The callback URL a caller named, if its host is allowed (`approvals.callback_hosts`: exact names or `*.domain`);
 * anything else is a 400, so the gateway never becomes a way to POST to arbitrary hosts.
 */
export function checkCallbackUrl(value: string | string[] | undefined, allowed: readonly string[]): string | null {
  if (value === undefined) return null;
  const bad = (why: string): never => {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`x-airlock-callback-url\`: ${why}`, { param: 'x-airlock-callback-url' });
  };
  if (typeof value !== 'string') return bad('send one header');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') bad('only http(s) URLs');
  if (url.username || url.password) bad('no credentials in the URL');
  const host = url.hostname.toLowerCase();
  const ok = allowed.some((a) => (a.startsWith('*.') ? host.endsWith(a.slice(1)) : host === a));
  if (!ok) bad(`the host ${host} is not in approvals.callback_hosts`);
  return url.toString();
}
