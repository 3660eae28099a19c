import { Webhook } from 'standardwebhooks';
import {
  generateWebhookSecret,
  isWebhookSecret,
  signature,
  verifyWebhook,
  webhookHeaders,
} from './standard-webhooks';

const body = JSON.stringify({
  type: 'invoice.created',
  timestamp: '2026-12-08T00:00:00Z',
  data: {},
});
const now = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signatures', () => {
  it('generates whsec_ secrets of 32 random bytes, different every time', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(isWebhookSecret(a)).toBe(true);
    expect(isWebhookSecret('whsec_c2hvcnQ=')).toBe(false); // 5 bytes
    expect(isWebhookSecret('plain-secret')).toBe(false);
  });

  it('signs what the standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders([secret], 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', now(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('during a rotation both secrets sign, and either one verifies', () => {
    const [fresh, old] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = webhookHeaders([fresh, old], 'msg_1', now(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(fresh).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(old).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
  });

  it('verifies what the standardwebhooks package signs, and refuses tampering', () => {
    const secret = generateWebhookSecret();
    const seconds = now();
    const signed = new Webhook(secret).sign('msg_9', new Date(seconds * 1000), body);
    const headers = {
      'webhook-id': 'msg_9',
      'webhook-timestamp': String(seconds),
      'webhook-signature': signed,
    };
    expect(signed).toBe(signature(secret, 'msg_9', seconds, body));
    expect(verifyWebhook(secret, headers, body, seconds)).toBe('ok');
    expect(verifyWebhook(secret, headers, `${body} `, seconds)).toBe('bad_signature');
    expect(verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_8' }, body, seconds)).toBe(
      'bad_signature',
    );
    expect(verifyWebhook(generateWebhookSecret(), headers, body, seconds)).toBe('bad_signature');
    expect(verifyWebhook(secret, headers, body, seconds + 301)).toBe('stale_timestamp');
    expect(verifyWebhook(secret, { ...headers, 'webhook-timestamp': '1e9' }, body, seconds)).toBe(
      'stale_timestamp',
    );
    expect(verifyWebhook(secret, { 'webhook-id': 'msg_9' }, body, seconds)).toBe('missing_headers');
    expect(
      verifyWebhook(
        secret,
        { ...headers, 'webhook-signature': 'v2,abc v1 garbage' },
        body,
        seconds,
      ),
    ).toBe('bad_signature');
  });

  it('keys a secret without the whsec_ prefix by its own bytes (a DMS shared secret as given)', () => {
    const seconds = now();
    const headers = webhookHeaders(['dms-shared-secret'], 'evt-1', seconds, body);
    expect(verifyWebhook('dms-shared-secret', headers, body, seconds)).toBe('ok');
    expect(verifyWebhook('dms-shared-secreT', headers, body, seconds)).toBe('bad_signature');
  });
});
