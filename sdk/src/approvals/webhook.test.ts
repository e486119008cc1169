import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookVerificationError } from './webhook.js';

const secret = 'whsec_test_secret';
const body = JSON.stringify({ approval_id: 'apr_1', status: 'approved' });
const now = 1_800_000_000_000;
const t = now / 1000;

describe('verifyWebhook', () => {
  it('accepts a delivery signed with the secret and returns its body', () => {
    const headers = { 'x-airlock-signature': signWebhook(body, secret, t) };
    expect(verifyWebhook(body, headers, secret, { now })).toEqual({ approval_id: 'apr_1', status: 'approved' });
    expect(verifyWebhook(Buffer.from(body), new Headers(headers), secret, { now })).toMatchObject({ status: 'approved' });
  });

  it('refuses a changed body, a wrong secret, a missing or malformed header', () => {
    const headers = { 'x-airlock-signature': signWebhook(body, secret, t) };
    expect(() => verifyWebhook(body.replace('approved', 'rejected'), headers, secret, { now })).toThrow(/does not match/);
    expect(() => verifyWebhook(body, headers, 'other', { now })).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(body, {}, secret, { now })).toThrow(/missing/);
    expect(() => verifyWebhook(body, { 'x-airlock-signature': 'v1=abc' }, secret, { now })).toThrow(/malformed/);
    expect(() => verifyWebhook(body, headers, '', { now })).toThrow(/secret/);
  });

  it('refuses a replay outside the tolerance window, in either direction', () => {
    const old = { 'x-airlock-signature': signWebhook(body, secret, t - 301) };
    expect(() => verifyWebhook(body, old, secret, { now })).toThrow(/window/);
    const future = { 'x-airlock-signature': signWebhook(body, secret, t + 301) };
    expect(() => verifyWebhook(body, future, secret, { now })).toThrow(/window/);
    expect(verifyWebhook(body, old, secret, { now, toleranceSeconds: 600 })).toBeTruthy();
  });

  it('accepts any of several signatures, so a secret can be rotated', () => {
    const fresh = signWebhook(body, 'new-secret', t).split(',')[1];
    const header = `${signWebhook(body, 'old-secret', t)},${fresh}`;
    expect(verifyWebhook(body, { 'x-airlock-signature': header }, 'new-secret', { now })).toBeTruthy();
    expect(verifyWebhook(body, { 'x-airlock-signature': header }, 'old-secret', { now })).toBeTruthy();
  });

  it('refuses a timestamp moved without re-signing', () => {
    const [, v1] = signWebhook(body, secret, t - 1000).split(',');
    expect(() => verifyWebhook(body, { 'x-airlock-signature': `t=${t},${v1}` }, secret, { now })).toThrow(/does not match/);
  });
});
