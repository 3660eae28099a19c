import { randomBytes } from 'node:crypto';
import { KeyRing, KeyRingError, type SealedValue } from './key-ring';

const entry = (kid: string) => `${kid}:${randomBytes(32).toString('base64')}`;
const secrets = JSON.stringify({ apiKey: 'dms-live-key-0123456789', password: 'p@ss' });

describe('KeyRing', () => {
  it('seals with the first key and opens with whichever key sealed', () => {
    const [k1, k2] = [entry('k2026'), entry('k2025')];
    const old = KeyRing.parse(k2);
    const sealedOld = old.seal(secrets, 'dms-uat');
    const ring = KeyRing.parse(`${k1}, ${k2}`);
    const sealedNew = ring.seal(secrets, 'dms-uat');
    expect(sealedNew.kid).toBe('k2026');
    expect(ring.open(sealedNew, 'dms-uat')).toBe(secrets);
    expect(ring.open(sealedOld, 'dms-uat')).toBe(secrets);
    expect(ring.isStale(sealedOld)).toBe(true);
    expect(ring.isStale(sealedNew)).toBe(false);
  });

  it('stores no plaintext, and a fresh nonce makes every sealing different', () => {
    const ring = KeyRing.parse(entry('a'));
    const one = ring.seal(secrets, 'dms');
    const two = ring.seal(secrets, 'dms');
    expect(one.nonce).not.toBe(two.nonce);
    expect(one.data).not.toBe(two.data);
    const stored = JSON.stringify(one);
    expect(stored).not.toContain('dms-live-key');
    expect(Buffer.from(one.data, 'base64').toString('utf8')).not.toContain('dms-live-key');
  });

  it('refuses a value sealed for another connection, changed bytes, or an unknown key id', () => {
    const ring = KeyRing.parse(entry('a'));
    const sealed = ring.seal(secrets, 'gep-smart-entity-1');
    expect(() => ring.open(sealed, 'gep-smart-entity-2')).toThrow(/does not open with key id a/);
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0] ^= 1;
    expect(() =>
      ring.open({ ...sealed, data: flipped.toString('base64') }, 'gep-smart-entity-1'),
    ).toThrow(KeyRingError);
    const other = KeyRing.parse(entry('b'));
    const failure = (() => {
      try {
        other.open(sealed, 'gep-smart-entity-1');
      } catch (error) {
        return error as KeyRingError;
      }
    })();
    expect(failure?.message).toMatch(/key id a, which CONNECTIONS_ENCRYPTION_KEYS does not hold/);
    expect(failure?.kid).toBe('a');
    expect(() => ring.open({ v: 2 } as unknown as SealedValue, 'x')).toThrow(/not a sealed value/);
    expect(() => ring.open({ ...sealed, nonce: 'AAAA' }, 'gep-smart-entity-1')).toThrow(
      /malformed/,
    );
  });

  it('an empty ring opens nothing and refuses to seal, saying which setting is missing', () => {
    const ring = KeyRing.parse(undefined);
    expect(ring.primaryKid).toBeUndefined();
    expect(() => ring.seal(secrets, 'dms')).toThrow(/set CONNECTIONS_ENCRYPTION_KEYS/);
  });

  it.each([
    ['nokey', /entry 1: expected kid:<base64 key>/],
    ['bad kid!:AAAA', /entry 1: expected kid/],
    [
      `a:${randomBytes(16).toString('base64')}`,
      /entry 1 \(kid a\): the key must be base64 of exactly 32 bytes/,
    ],
    [`${entry('a')},${entry('a')}`, /entry 2: kid a is listed twice/],
    [`${entry('a')},b:not*base64`, /entry 2 \(kid b\)/],
  ])('rejects the setting %#, naming the entry and never the key', (setting, message) => {
    const failure = (() => {
      try {
        KeyRing.parse(setting);
      } catch (error) {
        return error as Error;
      }
    })();
    expect(failure?.message).toMatch(message);
    for (const part of setting.split(/[,:]/).filter((p) => p.length > 20)) {
      expect(failure?.message).not.toContain(part);
    }
  });

  it('generates entries the parser accepts', () => {
    const ring = KeyRing.parse(`${KeyRing.generateEntry('k1')},${KeyRing.generateEntry('k0')}`);
    expect(ring.kids).toEqual(['k1', 'k0']);
    expect(() => KeyRing.generateEntry('bad kid')).toThrow(KeyRingError);
  });
});
