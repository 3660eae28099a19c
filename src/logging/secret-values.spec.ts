import { maskKnownSecrets, registerSecrets } from './secret-values';

describe('secret values', () => {
  it('scrubs registered values anywhere in a line and ignores short or empty ones', () => {
    registerSecrets('s3cr3t-value-123', undefined, '', 'abc');
    expect(maskKnownSecrets('{"msg":"refused s3cr3t-value-123 twice: s3cr3t-value-123"}')).toBe(
      '{"msg":"refused [REDACTED] twice: [REDACTED]"}',
    );
    expect(maskKnownSecrets('abc stays')).toBe('abc stays');
  });
});
