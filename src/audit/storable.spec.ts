import { redact } from '@lib/redaction';
import { storableJson, storableRedacted, storableString, storableText } from './storable';

describe('storable strings', () => {
  it('turns NUL characters into their visible escape', () => {
    expect(storableString('a\u0000b')).toBe('a\\u0000b');
  });

  it('keeps the text "\\u0000" as it is (no real NUL is made of it)', () => {
    const text = 'body contains \\u0000';
    expect(storableString(text)).toBe(text);
    expect(storableString(text)).not.toContain('\u0000');
  });

  it('escapes unpaired surrogates and keeps pairs', () => {
    expect(storableString('x\ud800y')).toBe('x\\ud800y');
    expect(storableString('x\udc00')).toBe('x\\udc00');
    expect(storableString('\udc00\ud800')).toBe('\\udc00\\ud800');
    expect(storableString('😀')).toBe('😀');
  });

  it('cuts to a length without splitting a surrogate pair', () => {
    expect(storableText('ab😀', 3)).toBe('ab');
    expect(storableText('abc', 3)).toBe('abc');
    expect(storableText('a\u0000', 4)).toBe('a\\u0');
  });
});

describe('storableJson', () => {
  it('makes every string and key storable, at any depth', () => {
    expect(
      storableJson({ 'k\u0000': ['v\ud800', { deep: 'a\u0000' }], ok: 'fine', n: 1, b: null }),
    ).toEqual({ 'k\\u0000': ['v\\ud800', { deep: 'a\\u0000' }], ok: 'fine', n: 1, b: null });
  });

  it('keeps only what JSON keeps', () => {
    expect(
      storableJson({ d: new Date('2026-01-01T00:00:00Z'), u: undefined, f: () => 1, x: NaN }),
    ).toEqual({ d: '2026-01-01T00:00:00.000Z', x: null });
    expect(storableJson(undefined)).toBeNull();
    expect(() => storableJson({ big: 1n })).toThrow();
  });

  it('stores the same text it would read back', () => {
    const value = storableJson({ s: 'a\u0000\ud800😀', 'k\udfff': 1 });
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
    expect(value).toEqual({ s: 'a\\u0000\\ud800😀', 'k\\udfff': 1 });
  });
});

describe('storableRedacted', () => {
  const twoStep = (value: unknown) => storableJson(redact(value));
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYmNkZWYifQ.c2lnbmF0dXJlLXZhbHVl';

  it('gives exactly what storableJson(redact(value)) gives, for plain and other data', () => {
    const shared = { s: 1 };
    const samples: unknown[] = [
      undefined,
      null,
      'plain',
      `Bearer ${'x'.repeat(30)}`,
      -0,
      NaN,
      [undefined, () => 1, Infinity, 'a\u0000'],
      { token: 'abcdefghijkl', password: '', apiKey: null, nested: { secret: undefined } },
      { 'k\u0000': ['v\ud800', { deep: 'a\u0000', jwt }], ok: 'fine', n: 1.5, b: false },
      {
        note: 'access_token=abcdefghijklmnop&x=1',
        auth: `Basic ${Buffer.from('u:p').toString('base64')}`,
      },
      JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": "x"}}'),
      { twice: [shared, shared] },
      { when: new Date('2026-01-01T00:00:00Z'), buf: Buffer.from('abc'), u: undefined },
      {
        cls: new (class Thing {
          a = 1;
        })(),
      },
    ];
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 30; i++) deep = { next: deep };
    samples.push(deep);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    samples.push(cyclic);
    for (const value of samples) {
      expect(storableRedacted(value)).toEqual(twoStep(value));
      expect(JSON.stringify(storableRedacted(value))).toBe(JSON.stringify(twoStep(value)));
    }
  });

  it('keeps a __proto__ key an own key and never touches the prototype', () => {
    const safe = storableRedacted(JSON.parse('{"__proto__": {"polluted": true}}')) as object;
    expect(Object.getPrototypeOf(safe)).toBe(Object.prototype);
    expect(Object.keys(safe)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('throws on what JSON cannot hold, as storableJson does', () => {
    expect(() => storableRedacted({ big: 1n })).toThrow();
  });
});
