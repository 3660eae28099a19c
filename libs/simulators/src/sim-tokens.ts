import { randomBytes } from 'node:crypto';

export interface IssuedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

export type TokenCheck = 'valid' | 'expired' | 'unknown' | 'missing';

export type TokenFormat = 'jwt' | 'opaque';

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Tokens a simulator has issued. A token is valid while `now() < expiresAt`; `expireAll()`
 * (`POST /__sim/tokens/expire`) makes every issued token expired at once.
 */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly now: () => number,
    private readonly ttlSeconds: number,
    private readonly format: TokenFormat,
    private readonly issuer: string,
  ) {}

  get lifetimeSeconds(): number {
    return this.ttlSeconds;
  }

  issue(subject: string): IssuedToken {
    const issuedAt = this.now();
    const expiresAt = issuedAt + this.ttlSeconds * 1000;
    const token = this.format === 'jwt' ? this.jwt(subject, issuedAt, expiresAt) : this.opaque();
    const issued = { token, issuedAt, expiresAt };
    this.tokens.set(token, issued);
    return issued;
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return 'missing';
    const issued = this.tokens.get(token);
    if (!issued) return 'unknown';
    return this.now() < issued.expiresAt ? 'valid' : 'expired';
  }

  /** Expires every issued token now; returns how many were still valid. */
  expireAll(): number {
    const now = this.now();
    let count = 0;
    for (const issued of this.tokens.values()) {
      if (issued.expiresAt > now) count += 1;
      issued.expiresAt = Math.min(issued.expiresAt, now);
    }
    return count;
  }

  clear(): void {
    this.tokens.clear();
  }

  /** JWT-shaped (unsigned in any meaningful way); clients must treat it as opaque. */
  private jwt(subject: string, issuedAt: number, expiresAt: number): string {
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        iss: this.issuer,
        sub: subject,
        iat: Math.floor(issuedAt / 1000),
        exp: Math.floor(expiresAt / 1000),
        jti: randomBytes(8).toString('hex'),
      }),
    );
    return `${header}.${payload}.${base64url(randomBytes(32))}`;
  }

  private opaque(): string {
    return randomBytes(21).toString('base64url').replace(/[-_]/g, 'x');
  }
}
