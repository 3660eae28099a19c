import {
  type AuthContext,
  type AuthStrategy,
  type Clock,
  type OutgoingRequest,
  getHeader,
  setHeader,
  systemClock,
} from './auth-strategy';
import type { ClientTlsOptions } from './http-transport';
import { safeExcerpt } from './mask';
import { TokenAcquisitionError } from './token-acquisition.error';
import { type CachedToken, TokenCache, type TokenGrant } from './token-cache';
import {
  type TokenHttpRequest,
  type TokenHttpResponse,
  type TokenTransport,
  TokenTransportError,
  undiciTokenTransport,
} from './token-transport';

/** One token request as seen by an observer (never carries a secret). */
export interface TokenRequestEvent {
  provider: string;
  /** The connection whose token it is, when the observer was given one (see the gateway). */
  connection?: string;
  strategy: string;
  method: string;
  url: string;
  status?: number;
  durationMs: number;
  outcome: 'success' | 'failure';
  error?: string;
}

/** Settings shared by the token-based strategies. */
export interface TokenStrategyOptions {
  /** Provider id, named in every error. */
  provider: string;
  now?: Clock;
  /** Smallest renewal margin, default 60 000 ms. */
  minMarginMs?: number;
  /** Renewal margin as a share of the lifetime, default 0.1. */
  marginRatio?: number;
  /** Total timeout of one token request, default 10 000 ms. */
  timeoutMs?: number;
  /** Lifetime assumed when the answer gives none, default 300 s. */
  defaultLifetimeSeconds?: number;
  /** Client certificate for the token request (e.g. `ClientCertificateStrategy.tls`). */
  tls?: ClientTlsOptions;
  /** Sends the token request; defaults to undici. */
  transport?: TokenTransport;
  /** Called after every token request (for audit or metrics). Must not throw. */
  onTokenRequest?: (event: TokenRequestEvent) => void;
}

export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;

/**
 * Base of the strategies that exchange credentials for a bearer token: one cache per instance
 * (one instance per provider), single-flight renewal, `Authorization: Bearer <token>`.
 */
export abstract class TokenStrategy implements AuthStrategy {
  abstract readonly name: string;
  readonly refreshable = true;
  protected readonly provider: string;
  protected readonly timeoutMs: number;
  protected readonly defaultLifetimeMs: number;
  protected readonly clock: Clock;
  private readonly cache: TokenCache;
  private readonly transport: TokenTransport;

  protected constructor(private readonly base: TokenStrategyOptions) {
    this.provider = base.provider;
    this.clock = base.now ?? systemClock;
    this.timeoutMs = base.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
    this.defaultLifetimeMs = (base.defaultLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS) * 1000;
    this.transport = base.transport ?? undiciTokenTransport;
    this.cache = new TokenCache(() => this.fetchGrant(), {
      now: this.clock,
      minMarginMs: base.minMarginMs,
      marginRatio: base.marginRatio,
    });
  }

  async apply(req: OutgoingRequest, ctx: AuthContext): Promise<void> {
    const token = await this.cache.get(ctx.signal);
    setHeader(req.headers, 'Authorization', `Bearer ${token}`);
  }

  invalidate(rejected?: OutgoingRequest): void {
    const header = rejected ? getHeader(rejected.headers, 'authorization') : undefined;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    this.cache.invalidate(token);
  }

  /** The cached token and its expiry (for tests and diagnostics). */
  currentToken(): CachedToken | undefined {
    return this.cache.peek();
  }

  /** Fetches a token now (shared with concurrent callers); e.g. to warm up or probe. */
  async token(): Promise<string> {
    return this.cache.get();
  }

  secretValues(): string[] {
    const token = this.cache.peek()?.token;
    return [...this.credentialValues(), ...(token ? [token] : [])];
  }

  /** The configured credential values (masked from any message). */
  protected abstract credentialValues(): string[];

  /** Builds the token request. */
  protected abstract buildRequest(): Omit<TokenHttpRequest, 'timeoutMs' | 'tls'>;

  /** Reads the token and lifetime from a 2xx answer; returns a reason when it cannot. */
  protected abstract parseGrant(data: unknown): TokenGrant | { invalid: string };

  /** A short reason from an error answer, e.g. OAuth2 `error`. */
  protected abstract errorReason(data: unknown): string | undefined;

  private async fetchGrant(): Promise<TokenGrant> {
    const request: TokenHttpRequest = {
      ...this.buildRequest(),
      timeoutMs: this.timeoutMs,
      tls: this.base.tls,
    };
    const started = Date.now();
    let response: TokenHttpResponse;
    try {
      response = await this.transport(request);
    } catch (err) {
      const timedOut = err instanceof TokenTransportError && err.timedOut;
      const detail =
        err instanceof TokenTransportError
          ? err.message
          : safeExcerpt(String(err), this.credentialValues());
      this.notify(request, started, undefined, detail);
      throw new TokenAcquisitionError({
        provider: this.provider,
        reason: timedOut ? 'timeout' : 'network',
        transient: true,
        message: `Could not get a token for provider "${this.provider}": ${detail}`,
        cause: err,
      });
    }
    const { status, data } = response;
    if (status < 200 || status >= 300) {
      const reason = this.errorReason(data);
      const detail = `token endpoint answered HTTP ${status}${reason ? ` (${safeExcerpt(reason, this.credentialValues(), 120)})` : ''}`;
      this.notify(request, started, status, detail);
      throw new TokenAcquisitionError({
        provider: this.provider,
        reason: 'http_status',
        httpStatus: status,
        transient: status === 408 || status === 429 || status >= 500,
        message: `Could not get a token for provider "${this.provider}": ${detail}`,
      });
    }
    const grant = this.parseGrant(data);
    if ('invalid' in grant) {
      const detail = `invalid token answer: ${safeExcerpt(grant.invalid, this.credentialValues(), 160)}`;
      this.notify(request, started, status, detail);
      throw new TokenAcquisitionError({
        provider: this.provider,
        reason: 'invalid_body',
        httpStatus: status,
        transient: false,
        message: `Could not get a token for provider "${this.provider}": ${detail}`,
      });
    }
    this.notify(request, started, status);
    return grant;
  }

  private notify(req: TokenHttpRequest, started: number, status?: number, error?: string): void {
    if (!this.base.onTokenRequest) return;
    try {
      this.base.onTokenRequest({
        provider: this.provider,
        strategy: this.name,
        method: req.method,
        url: req.url,
        status,
        durationMs: Date.now() - started,
        outcome: error === undefined ? 'success' : 'failure',
        error,
      });
    } catch {
      // an observer must never break token acquisition
    }
  }
}

/** Reads a lifetime given as a number or a numeric string; undefined when absent or invalid. */
export function parseLifetime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
    const parsed = Number(value);
    return parsed > 0 ? parsed : undefined;
  }
  return undefined;
}

/** The value of the first key matching one of `names`, case-insensitively. */
export function pickCaseInsensitive(data: Record<string, unknown>, names: string[]): unknown {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  for (const [key, value] of Object.entries(data)) {
    if (wanted.has(key.toLowerCase())) return value;
  }
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
