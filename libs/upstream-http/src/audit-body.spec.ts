import { REDACTED } from '@lib/redaction';
import { sanitizeBody } from './audit-body';

describe('sanitizeBody and a body serialized once', () => {
  it('sanitizeBody reuses the serialized text only when the redaction changed nothing', () => {
    const plain = { blob: 'x'.repeat(50) };
    const text = JSON.stringify(plain);
    // a different text proves which one was used: the preview of a truncated body shows it
    expect(sanitizeBody(plain, [], 20, text.toUpperCase())).toMatchObject({
      truncated: true,
      preview: text.toUpperCase().slice(0, 20),
    });
    const secret = { password: 'hunter22', blob: 'x'.repeat(50) };
    expect(sanitizeBody(secret, [], 20, JSON.stringify(secret))).toMatchObject({
      truncated: true,
      preview: JSON.stringify({ password: REDACTED }).slice(0, 20),
    });
  });
});
