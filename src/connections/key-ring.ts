import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The key ring that seals stored connection secrets (DESIGN section 11).
 *
 * `CONNECTIONS_ENCRYPTION_KEYS` is `kid:<base64 of 32 bytes>[,kid:<base64>...]`; the first key
 * seals, every key opens what it sealed. A sealed value is AES-256-GCM with a random 96-bit
 * nonce per value, the key id kept beside it so keys can rotate, and the connection's name as
 * additional authenticated data, so a sealed value copied to another connection does not open.
 */

export interface SealedValue {
  /** Format version of this record. */
  v: 1;
  kid: string;
  /** base64 of the 12-byte nonce. */
  nonce: string;
  /** base64 of the ciphertext. */
  data: string;
  /** base64 of the 16-byte GCM tag. */
  tag: string;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/** A value the ring cannot open: which key id, and why (never the value or the key). */
export class KeyRingError extends Error {
  constructor(
    message: string,
    readonly kid?: string,
  ) {
    super(message);
    this.name = 'KeyRingError';
  }
}

export class KeyRing {
  private constructor(private readonly keys: ReadonlyMap<string, Buffer>) {}

  /**
   * Reads the setting; every problem is one sentence naming the entry by position and key id
   * (never the key). An empty or missing setting is an empty ring: it opens and seals nothing.
   */
  static parse(setting: string | undefined, name = 'CONNECTIONS_ENCRYPTION_KEYS'): KeyRing {
    const keys = new Map<string, Buffer>();
    const problems: string[] = [];
    const entries = (setting ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    entries.forEach((entry, index) => {
      const colon = entry.indexOf(':');
      const kid = colon > 0 ? entry.slice(0, colon) : '';
      const encoded = colon > 0 ? entry.slice(colon + 1) : '';
      const where = `${name} entry ${index + 1}`;
      if (!KID.test(kid)) {
        problems.push(`${where}: expected kid:<base64 key> with a kid of [A-Za-z0-9_-]{1,32}`);
        return;
      }
      const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : null;
      if (!key || key.length !== KEY_BYTES) {
        problems.push(`${where} (kid ${kid}): the key must be base64 of exactly 32 bytes`);
      } else if (keys.has(kid)) {
        problems.push(`${where}: kid ${kid} is listed twice`);
      } else {
        keys.set(kid, key);
      }
    });
    if (problems.length > 0) throw new KeyRingError(problems.join('; '));
    return new KeyRing(keys);
  }

  /** A fresh `kid:<base64>` entry for the setting (the CLI prints it). */
  static generateEntry(kid: string): string {
    if (!KID.test(kid)) throw new KeyRingError(`kid must match [A-Za-z0-9_-]{1,32}`);
    return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
  }

  /** The key id that seals new values; undefined for an empty ring. */
  get primaryKid(): string | undefined {
    return this.keys.keys().next().value;
  }

  get kids(): string[] {
    return [...this.keys.keys()];
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** Seals `plaintext` with the first key, bound to `context` (the connection's name). */
  seal(plaintext: string, context: string): SealedValue {
    const kid = this.primaryKid;
    if (kid === undefined) {
      throw new KeyRingError(
        'no encryption key is configured: set CONNECTIONS_ENCRYPTION_KEYS to store secrets',
      );
    }
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(kid)!, nonce, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      v: 1,
      kid,
      nonce: nonce.toString('base64'),
      data: data.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  /** Opens a sealed value; a missing key, a wrong context or a changed byte is a KeyRingError. */
  open(sealed: SealedValue, context: string): string {
    if (sealed?.v !== 1 || typeof sealed.kid !== 'string') {
      throw new KeyRingError('the stored secret is not a sealed value this gateway knows');
    }
    const key = this.keys.get(sealed.kid);
    if (!key) {
      throw new KeyRingError(
        `the stored secret is sealed with key id ${sealed.kid}, which CONNECTIONS_ENCRYPTION_KEYS does not hold`,
        sealed.kid,
      );
    }
    const nonce = Buffer.from(sealed.nonce ?? '', 'base64');
    const tag = Buffer.from(sealed.tag ?? '', 'base64');
    if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) {
      throw new KeyRingError(`the stored secret (key id ${sealed.kid}) is malformed`, sealed.kid);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      const data = Buffer.from(sealed.data ?? '', 'base64');
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyRingError(
        `the stored secret does not open with key id ${sealed.kid} (changed, or sealed for another connection)`,
        sealed.kid,
      );
    }
  }

  /** Whether a sealed value should move to the first key (`connections:reencrypt`). */
  isStale(sealed: SealedValue): boolean {
    return sealed.kid !== this.primaryKid;
  }
}
