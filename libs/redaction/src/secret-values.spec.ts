import { maskKnownSecrets, registerSecrets } from './secret-values';

describe('secret values', () => {
  it('scrubs registered values anywhere in a line and ignores short or empty ones', () => {
    registerSecrets('s3cr3t-value-123', undefined, '', 'abc');
    expect(maskKnownSecrets('{"msg":"refused s3cr3t-value-123 twice: s3cr3t-value-123"}')).toBe(
      '{"msg":"refused [REDACTED] twice: [REDACTED]"}',
    );
    expect(maskKnownSecrets('abc stays')).toBe('abc stays');
  });

  it('scrubs token-shaped values no one registered: an upstream echoing Authorization', () => {
    const basic = Buffer.from('dealer-user:dealer-pass-9').toString('base64');
    const line = JSON.stringify({
      msg: 'upstream call failed',
      details: {
        echo: { Authorization: 'Bearer oauth-access-token-value' },
        raw: `Basic ${basic}`,
      },
      message: 'refused {"access_token":"a1b2c3d4e5f6g7h8"}',
    });
    const out = maskKnownSecrets(line);
    expect(out).not.toContain('oauth-access-token-value');
    expect(out).not.toContain(basic);
    expect(out).not.toContain('a1b2c3d4e5f6g7h8');
    expect(out).toContain('upstream call failed');
  });
});
