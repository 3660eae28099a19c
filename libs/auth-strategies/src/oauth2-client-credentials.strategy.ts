import type { TokenGrant } from './token-cache';
import type { TokenHttpRequest } from './token-transport';
import {
  TokenStrategy,
  type TokenStrategyOptions,
  isRecord,
  parseLifetime,
} from './token-strategy';

export interface OAuth2ClientCredentialsOptions extends TokenStrategyOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, sent as `scope` when set. */
  scope?: string;
  /**
   * Where the client credentials go: HTTP Basic header (default, RFC 6749 2.3.1) or the
   * form fields `client_id` / `client_secret`.
   */
  credentialsIn?: 'basic' | 'form';
  /** More form fields (e.g. `audience`). */
  extraFormFields?: Record<string, string>;
}

/**
 * OAuth2 client credentials grant: `POST tokenUrl` with a form body
 * `grant_type=client_credentials`; reads `access_token` and `expires_in` (seconds, number or string).
 */
export class OAuth2ClientCredentialsStrategy extends TokenStrategy {
  readonly name = 'oauth2-client-credentials';

  constructor(private readonly options: OAuth2ClientCredentialsOptions) {
    super(options);
  }

  protected credentialValues(): string[] {
    return [this.options.clientSecret];
  }

  protected buildRequest(): Omit<TokenHttpRequest, 'timeoutMs' | 'tls'> {
    const { clientId, clientSecret, scope, extraFormFields } = this.options;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    for (const [key, value] of Object.entries(extraFormFields ?? {})) form.set(key, value);
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
    if ((this.options.credentialsIn ?? 'basic') === 'basic') {
      headers.Authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    return { method: 'POST', url: this.options.tokenUrl, headers, body: form.toString() };
  }

  protected parseGrant(data: unknown): TokenGrant | { invalid: string } {
    if (!isRecord(data)) return { invalid: 'not a JSON object' };
    const token = data.access_token;
    if (typeof token !== 'string' || token.length === 0) return { invalid: 'no access_token' };
    const seconds = parseLifetime(data.expires_in);
    return { token, lifetimeMs: seconds === undefined ? this.defaultLifetimeMs : seconds * 1000 };
  }

  protected errorReason(data: unknown): string | undefined {
    if (!isRecord(data)) return undefined;
    const parts = [data.error, data.type, data.message].filter(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    return parts.length > 0 ? parts.join(': ') : undefined;
  }
}
