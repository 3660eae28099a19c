import { bearerToken, displayPrefix, generateApiKey, hashApiKey, sameHash } from './api-key';

describe('api keys', () => {
  it('generates distinct 256-bit keys with a recognisable prefix', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).toMatch(/^igw_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(displayPrefix(a)).toBe(a.slice(0, 10));
  });

  it('hashes with SHA-256 and compares hashes', () => {
    const hash = hashApiKey('abc');
    expect(hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sameHash(hash, hashApiKey('abc'))).toBe(true);
    expect(sameHash(hash, hashApiKey('abd'))).toBe(false);
    expect(sameHash(hash, 'not-hex')).toBe(false);
  });

  it('reads only well-formed bearer headers', () => {
    expect(bearerToken('Bearer igw_x')).toBe('igw_x');
    expect(bearerToken('bearer   igw_x')).toBe('igw_x');
    expect(bearerToken(['Bearer k1', 'Bearer k2'])).toBe('k1');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
