import {
  REDACTED,
  isSecretKey,
  maskSecretPatterns,
  maskSecretValues,
  redact,
  redactHeaders,
  redactTracked,
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

  describe('by pattern', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjbGllbnQtMSIsImV4cCI6MTl9.c2lnbmF0dXJlLXZhbHVl';
    const basic = Buffer.from('dms-user:dms-p4ssw0rd').toString('base64');

    it('masks bearer tokens, Basic credentials and JWTs in free text', () => {
      expect(maskSecretPatterns('Authorization: Bearer opaque-Token_123.abc~')).toBe(
        `Authorization: Bearer ${REDACTED}`,
      );
      expect(maskSecretPatterns(`sent Basic ${basic} to DMS`)).toBe(
        `sent Basic ${REDACTED} to DMS`,
      );
      expect(maskSecretPatterns(`id ${jwt}.`)).toBe(`id ${REDACTED}`);
      expect(maskSecretPatterns(`x=${jwt}&y=1`)).toBe(`x=${REDACTED}&y=1`);
    });

    it('masks the values of secret-named keys written out as JSON, query or header text', () => {
      expect(maskSecretPatterns('{"access_token":"a1b2c3d4e5f6g7h8","expires_in":3600}')).toBe(
        `{"access_token":"${REDACTED}","expires_in":3600}`,
      );
      expect(maskSecretPatterns('{\\"Token\\":\\"Zm9vYmFyYmF6cXV4\\"}')).toBe(
        `{\\"Token\\":\\"${REDACTED}\\"}`,
      );
      expect(maskSecretPatterns('?token=abcdefgh12345&page=2')).toBe(`?token=${REDACTED}&page=2`);
      expect(maskSecretPatterns('x-api-key: 0123456789abcdef')).toBe(`x-api-key: ${REDACTED}`);
      expect(maskSecretPatterns('client_secret = s3cr3t-value-42')).toBe(
        `client_secret = ${REDACTED}`,
      );
    });

    it('leaves ordinary text alone', () => {
      for (const text of [
        'Basic information about the dealer',
        'Bearer realm="invoice-gateway"',
        '{"token_type":"Bearer","expires_in":3600}',
        `{"token":"${REDACTED}"}`,
        'invoice INV-2025-0001 for Basic plan, amount 150000',
        'eyJ is how a JWT starts',
      ]) {
        expect(maskSecretPatterns(text)).toBe(text);
      }
    });

    it('redact masks token-shaped values under innocent keys (an echoed Authorization)', () => {
      const answer = {
        received: { headers: { 'X-Echo': `Bearer ${jwt}` } },
        note: `called with Basic ${basic}`,
        session: jwt,
        list: [`Bearer abcdefgh12345678`],
        status: 'ok',
      };
      const out = redact(answer);
      expect(JSON.stringify(out)).not.toMatch(/eyJ|abcdefgh12345678|ZG1zLXVzZXI/);
      expect(out.status).toBe('ok');
      expect(out.session).toBe(REDACTED);
      expect(maskSecretValues(`failed: Bearer ${jwt}`, [])).toBe(`failed: Bearer ${REDACTED}`);
    });

    it('stays linear on hostile text: four times the input costs about four times the time', () => {
      // a ratio, not a wall-clock limit: the machine's load changes both sides alike. Small and
      // large runs alternate and the median of five ratios is kept, so one GC pause decides nothing.
      const hostile: Array<(n: number) => string> = [
        (n) => 'eyJ-'.repeat(n),
        (n) => `token${' '.repeat(n)}`,
        (n) => 'a'.repeat(n),
        (n) => 'token-'.repeat(n),
        (n) => 'Bearer '.repeat(n),
      ];
      const took = (text: string): number => {
        const started = process.hrtime.bigint();
        maskSecretPatterns(text);
        return Number(process.hrtime.bigint() - started);
      };
      const ratios = hostile.map((make) => {
        const small = make(40_000);
        const large = make(160_000);
        // below half a millisecond, timer and scheduling noise would decide the ratio
        const each = Array.from({ length: 5 }, () => took(large) / Math.max(took(small), 500_000));
        return each.sort((a, b) => a - b)[2];
      });
      // linear work gives about 4; a quadratic pattern gives about 16
      for (const ratio of ratios) expect(ratio).toBeLessThan(10);
    });
  });

  it('keeps a key named __proto__ an own key of the copy, never its prototype', () => {
    const copy = redact(JSON.parse('{"__proto__": {"token": "abcdefghijkl"}, "a": 1}')) as object;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({
      token: '[REDACTED]',
    });
  });

  it("leaves text with none of the patterns' key words as it is", () => {
    const text = 'BENCH-MX4NBCC6-G62470 ABC Motors 1234.50';
    expect(maskSecretPatterns(text)).toBe(text);
    expect(maskSecretPatterns(`ref ${'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'}`)).toBe(
      'ref [REDACTED]',
    );
  });
});

describe('redactTracked and a body serialized once', () => {
  it('reports no change for plain JSON data with nothing to mask: same serialization', () => {
    const plain = {
      invoice: { number: 'INV-1', at: new Date('2026-01-02T03:04:05Z'), lines: [{ n: 1 }, null] },
      skipped: undefined,
      empty: { token: '' },
    };
    const tracked = redactTracked(plain);
    expect(tracked.changed).toBe(false);
    expect(tracked.value).not.toBe(plain);
    expect(JSON.stringify(tracked.value)).toBe(JSON.stringify(plain));
  });

  it('reports a change for a masked key or text, and for anything not plain JSON data', () => {
    class Money {
      constructor(readonly amount: number) {}
    }
    const cases: unknown[] = [
      { header: { sharedSecret: 'x' } },
      { note: 'Bearer abcdefgh12345678' },
      { raw: Buffer.from('abc') },
      { items: new Map([['a', 1]]) },
      { total: new Money(3) },
      { custom: { toJSON: () => 'other' } },
    ];
    for (const value of cases) expect(redactTracked(value).changed).toBe(true);
  });
});
