import { canonicalJson, contentHash } from './canonical-json';

describe('canonicalJson', () => {
  it('orders keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('hashes equal content equally and different content differently', () => {
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 1.01 }));
    expect(contentHash([1, 2])).not.toBe(contentHash([2, 1]));
  });
});
