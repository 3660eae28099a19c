import type { TokenGrant } from './token-cache';
import type { TokenHttpRequest } from './token-transport';
import {
  TokenStrategy,
  type TokenStrategyOptions,
  isRecord,
  parseLifetime,
  pickCaseInsensitive,
} from './token-strategy';

export interface GepTokenOptions extends TokenStrategyOptions {
  tokenUrl: string;
  /** Sent as `gep-auth-key`. */
  authKey: string;
  /** Sent as `Ocp-Apim-Subscription-Key` on the token request when set (GEP Quantum). */
  subscriptionKey?: string;
  /** More headers for the token request. */
  extraHeaders?: Record<string, string>;
  /** Unit of `Expires` in the answer: GEP gives minutes (default). */
  expiresUnit?: 'minutes' | 'seconds';
}

/**
 * GEP token exchange: `GET tokenUrl` with `gep-auth-key` (and optionally the APIM subscription
 * key); the answer `{Expires, Token}` or `{expires, token}` is read case-insensitively.
 */
export class GepTokenStrategy extends TokenStrategy {
  readonly name = 'gep-token';

  constructor(private readonly options: GepTokenOptions) {
    super(options);
  }

  protected credentialValues(): string[] {
    return [
      this.options.authKey,
      ...(this.options.subscriptionKey ? [this.options.subscriptionKey] : []),
    ];
  }

  protected buildRequest(): Omit<TokenHttpRequest, 'timeoutMs' | 'tls'> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...this.options.extraHeaders,
      'gep-auth-key': this.options.authKey,
    };
    if (this.options.subscriptionKey) {
      headers['Ocp-Apim-Subscription-Key'] = this.options.subscriptionKey;
    }
    return { method: 'GET', url: this.options.tokenUrl, headers };
  }

  protected parseGrant(data: unknown): TokenGrant | { invalid: string } {
    if (!isRecord(data)) return { invalid: 'not a JSON object' };
    const token = pickCaseInsensitive(data, ['token']);
    if (typeof token !== 'string' || token.length === 0) {
      const reason = pickCaseInsensitive(data, ['errorMessage']);
      return {
        invalid: typeof reason === 'string' && reason ? `no Token (${reason})` : 'no Token',
      };
    }
    const value = parseLifetime(pickCaseInsensitive(data, ['expires']));
    const unitMs = (this.options.expiresUnit ?? 'minutes') === 'minutes' ? 60_000 : 1000;
    return { token, lifetimeMs: value === undefined ? this.defaultLifetimeMs : value * unitMs };
  }

  protected errorReason(data: unknown): string | undefined {
    if (!isRecord(data)) return undefined;
    const reason = pickCaseInsensitive(data, ['errorMessage', 'message']);
    return typeof reason === 'string' && reason.length > 0 ? reason : undefined;
  }
}
