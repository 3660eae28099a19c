import { createHmac } from 'node:crypto';
import { signCallback, verifyCallbackSignature } from './callback-signature';

const secret = 'callback-secret-0123456789abcdef0123';

describe('callback signature', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256(secret, t.body)>', () => {
    const body = '{"id":"op-1","status":"succeeded"}';
    const header = signCallback(secret, body, 1_800_000_000);
    const expected = createHmac('sha256', secret).update(`1800000000.${body}`).digest('hex');
    expect(header).toBe(`t=1800000000,v1=${expected}`);
  });

  it('verifies the same body and refuses a changed body, another secret or an old timestamp', () => {
    const body = '{"a":1}';
    const header = signCallback(secret, body, 1000);
    expect(verifyCallbackSignature(secret, body, header, 1010)).toBe(true);
    expect(verifyCallbackSignature(secret, '{"a":2}', header, 1010)).toBe(false);
    expect(verifyCallbackSignature(`${secret}x`, body, header, 1010)).toBe(false);
    expect(verifyCallbackSignature(secret, body, header, 1000 + 301)).toBe(false);
    expect(verifyCallbackSignature(secret, body, 'garbage', 1000)).toBe(false);
  });
});
