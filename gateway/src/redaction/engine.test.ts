import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTORS, detect } from './engine.js';
import { Vault, redactText, restoreText } from './modes.js';
import { redactBody } from './messages.js';

const types = (text: string, tier: 'fast' | 'full' = 'fast') => detect(text, { tier }).map((f) => [f.type, text.slice(f.start, f.end)]);

describe('recognisers', () => {
  it('validate what their patterns find', () => {
    expect(types('card 4111 1111 1111 1111 ok')).toEqual([['CREDIT_CARD', '4111 1111 1111 1111']]);
    expect(types('card 4111 1111 1111 1112 ok')).toEqual([]);
    expect(types('IBAN GB82 WEST 1234 5698 7654 32 please')).toEqual([['IBAN', 'GB82 WEST 1234 5698 7654 32']]);
    expect(types('IBAN GB83 WEST 1234 5698 7654 32', 'fast').some(([t]) => t === 'IBAN')).toBe(false);
    expect(types('SSN 219-09-9999 and 666-12-3456 and 900-12-3456')).toEqual([['SSN', '219-09-9999']]);
    expect(types('from 10.0.0.255 and 2001:db8::1 not 999.1.1.1')).toEqual([['IP_ADDRESS', '10.0.0.255'], ['IP_ADDRESS', '2001:db8::1']]);
    expect(types('mail ann.lee+x@mail.example.com!')).toEqual([['EMAIL', 'ann.lee+x@mail.example.com']]);
    expect(types('see https://example.com/a?b=1.')).toEqual([['URL', 'https://example.com/a?b=1']]);
    expect(types('call me at +44 20 7946 0958 today')).toEqual([['PHONE', '+44 20 7946 0958']]);
  });

  it('find provider tokens, private keys and credentials in URLs, not look-alikes', () => {
    expect(types('key ghp_abcdefghijklmnopqrstuvwxyz0123456789AB')[0]?.[0]).toBe('API_KEY');
    expect(types('AKIAZ3MHQX5TQ4LRB7NC')[0]?.[0]).toBe('API_KEY');
    // AWS's documentation key too: redacting a sample key costs nothing.
    expect(types('AKIAIOSFODNN7EXAMPLE')[0]?.[0]).toBe('API_KEY');
    expect(types('postgres://admin:s3cretPassw0rd@db.internal:5432/app')).toContainEqual(['CREDENTIAL', 's3cretPassw0rd']);
    expect(types('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----')[0]?.[0]).toBe('API_KEY');
    expect(types('sk_live_short and pk_live_AAAAAAAAAAAAAAAAAAAAAAAA')).toEqual([]);
  });

  it('the full tier adds people, places and birth dates in context', () => {
    const found = types('Dear Maria Garcia, your order ships from 12 Baker Street\nLondon to Norway. Born on 3/14/1985.', 'full');
    expect(found).toContainEqual(['PERSON', 'Maria Garcia']);
    expect(found.some(([t, v]) => t === 'LOCATION' && v!.startsWith('12 Baker Street'))).toBe(true);
    expect(found).toContainEqual(['LOCATION', 'Norway']);
    expect(found).toContainEqual(['DATE_OF_BIRTH', '3/14/1985']);
    expect(types('Dear Maria Garcia', 'fast')).toEqual([]);
  });
});

describe('modes', () => {
  it('placeholder mode numbers entities, reuses them per value, and restores', () => {
    const vault = new Vault();
    const plan = { entities: new Set(['EMAIL', 'SSN'] as const), mode: 'placeholder' as const, tier: 'fast' as const };
    const r = redactText('a@x.io, b@x.io, a@x.io, 219-09-9999', plan, vault);
    expect(r.text).toBe('<EMAIL_1>, <EMAIL_2>, <EMAIL_1>, <SSN_1>');
    expect(restoreText(`Got ${r.text}`, vault)).toBe('Got a@x.io, b@x.io, a@x.io, 219-09-9999');
  });

  it('mask, drop and keyed hash', () => {
    const base = { entities: new Set(['EMAIL'] as const), tier: 'fast' as const };
    expect(redactText('to a@x.io', { ...base, mode: 'mask' }, new Vault()).text).toBe('to [EMAIL]');
    expect(redactText('to a@x.io', { ...base, mode: 'drop' }, new Vault()).text).toBe('to ');
    const h1 = redactText('to a@x.io', { ...base, mode: 'hash', hashKey: 'tenant-a' }, new Vault()).text;
    expect(h1).toMatch(/^to <EMAIL_[0-9a-f]{12}>$/);
    expect(redactText('to a@x.io', { ...base, mode: 'hash', hashKey: 'tenant-a' }, new Vault()).text).toBe(h1);
    expect(redactText('to a@x.io', { ...base, mode: 'hash', hashKey: 'tenant-b' }, new Vault()).text).not.toBe(h1);
  });

  it('walks message shapes: parts, tool arguments, tool results; leaves images alone and counts them', () => {
    const plan = { entities: new Set(['EMAIL'] as const), mode: 'placeholder' as const, tier: 'fast' as const };
    const { body, scan } = redactBody(
      'openai.chat',
      {
        model: 'a@x.io-model',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'mail a@x.io' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,a@x.io' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'send', arguments: '{"to":"a@x.io"}' } }] },
          { role: 'tool', tool_call_id: 'c', content: 'sent to a@x.io' },
        ],
      },
      plan,
      new Vault(),
    );
    const text = JSON.stringify(body);
    expect(text).toContain('"model":"a@x.io-model"');
    expect(text).toContain('mail <EMAIL_1>');
    expect(text).toContain('{\\"to\\":\\"<EMAIL_1>\\"}');
    expect(text).toContain('sent to <EMAIL_1>');
    expect(text).toContain('base64,a@x.io');
    expect(scan).toEqual({ counts: { EMAIL: 3 }, redacted: 3, nonTextParts: 1 });
  });
});

describe('phone numbers', () => {
  it('takes a bare digit group only when it is a valid number in one of the default regions', () => {
    const text = 'stop messages to 699 956 915.';
    expect(detect(text, { regions: ['US', 'GB'] })).toEqual([]);
    expect(detect(text, { regions: ['ES'] }).map((f) => [f.type, text.slice(f.start, f.end)])).toEqual([['PHONE', '699 956 915']]);
    expect(types('Suite 913 0547 Bygget 91')).toEqual([]);
  });
});

const DEV_SET = new URL('../../../../shared/pii/dev.jsonl', import.meta.url);

describe.skipIf(!existsSync(DEV_SET))('detector triggers', () => {
  it('hold for every text in which their detector finds something, so skipping on them loses nothing', () => {
    const texts = readFileSync(DEV_SET, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { text: string }).text);
    let checked = 0;
    for (const d of DETECTORS) {
      const triggers = d.triggers;
      if (!triggers) continue;
      for (const text of texts) {
        if (!d.detect(text).length) continue;
        checked++;
        expect(triggers.some((t) => t.test(text)), `${d.type} triggers on ${JSON.stringify(text)}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('let a text with nothing PII-shaped skip the fast tier, and a text with one hint run it', () => {
    expect(types('Write a short poem about the sea, rhyming ABAB.')).toEqual([]);
    expect(types('My card: 4111 1111 1111 1111')).toEqual([['CREDIT_CARD', '4111 1111 1111 1111']]);
  });
});
