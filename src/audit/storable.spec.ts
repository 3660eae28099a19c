import { storableJson, storableString, storableText } from './storable';

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
