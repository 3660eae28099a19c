import {
  REDACTED,
  isSecretKey,
  maskSecretValues,
  redact,
  redactHeaders,
  redactUrl,
} from './redaction';

describe('redaction', () => {
  it('masks the documented secret keys at any depth', () => {
    const input = {
      models: [
        {
          header: { sender: { sharedSecret: 's3cr3t-value', userAgent: 'gw' } },
          documentNumber: 'INV-1',
        },
      ],
      client_secret: 'abc',
      access_token: 'tok',
      token: 'tok2',
      password: 'pw',
      nested: { myApiSecret: 'x', refreshToken: 'y', keep: 'visible' },
    };
    const out = redact(input);
    expect(out.models[0].header.sender.sharedSecret).toBe(REDACTED);
    expect(out.models[0].header.sender.userAgent).toBe('gw');
    expect(out.models[0].documentNumber).toBe('INV-1');
    expect(out.client_secret).toBe(REDACTED);
    expect(out.access_token).toBe(REDACTED);
    expect(out.token).toBe(REDACTED);
    expect(out.password).toBe(REDACTED);
    expect(out.nested).toEqual({ myApiSecret: REDACTED, refreshToken: REDACTED, keep: 'visible' });
    expect(JSON.stringify(out)).not.toContain('s3cr3t-value');
    // the input is not changed
    expect(input.models[0].header.sender.sharedSecret).toBe('s3cr3t-value');
  });

  it('masks secret headers whatever their case', () => {
    const out = redactHeaders({
      Authorization: 'Bearer abc',
      Cookie: 'a=b',
      'X-Api-Key': 'k',
      'Ocp-Apim-Subscription-Key': 'sub',
      'gep-auth-key': 'g',
      'content-type': 'application/json',
      tenantid: 'tenant-1',
    });
    expect(out).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      'x-api-key': REDACTED,
      'ocp-apim-subscription-key': REDACTED,
      'gep-auth-key': REDACTED,
      'content-type': 'application/json',
      tenantid: 'tenant-1',
    });
  });

  it('recognises secret-like key names', () => {
    for (const key of ['sharedSecret', 'SHAREDSECRET', 'dbPassword', 'idToken', 'x-api-key']) {
      expect(isSecretKey(key)).toBe(true);
    }
    for (const key of ['documentNumber', 'status', 'tenantid', 'amount']) {
      expect(isSecretKey(key)).toBe(false);
    }
  });

  it('survives cycles, buffers and dates', () => {
    const a: Record<string, unknown> = {
      when: new Date('2026-01-01T00:00:00Z'),
      buf: Buffer.from('xy'),
    };
    a.self = a;
    expect(redact(a)).toEqual({
      when: '2026-01-01T00:00:00.000Z',
      buf: '[2 bytes]',
      self: '[CIRCULAR]',
    });
  });

  it('masks user info and secret query parameters in URLs', () => {
    expect(redactUrl('https://user:pw@host.example/path?code=1&api_key=zzz')).toBe(
      `https://${encodeURIComponent(REDACTED)}:${encodeURIComponent(REDACTED)}@host.example/path?code=1&api_key=${encodeURIComponent(REDACTED)}`,
    );
    expect(redactUrl('/returns/v1/invoices?token=abc')).toBe(
      `/returns/v1/invoices?token=${encodeURIComponent(REDACTED)}`,
    );
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });

  it('masks literal secret values inside free text', () => {
    expect(maskSecretValues('token abcd1234 was refused', ['abcd1234', undefined])).toBe(
      `token ${REDACTED} was refused`,
    );
  });
});
