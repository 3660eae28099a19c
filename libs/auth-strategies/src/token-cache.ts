import { type Clock, systemClock } from './auth-strategy';

/** What a token endpoint gave: the token and how long it lives. */
export interface TokenGrant {
  token: string;
  lifetimeMs: number;
}

export interface CachedToken {
  token: string;
  obtainedAt: number;
  /** Epoch ms at which the upstream stops accepting the token. */
  expiresAt: number;
  /** Epoch ms from which the token is renewed (expiresAt - margin). */
  renewAt: number;
}

export interface TokenCacheOptions {
  now?: Clock;
  /** Smallest renewal margin (default 60 000 ms). */
  minMarginMs?: number;
  /** Margin as a share of the lifetime (default 0.1); the larger of the two is used. */
  marginRatio?: number;
}

export const DEFAULT_MIN_MARGIN_MS = 60_000;
export const DEFAULT_MARGIN_RATIO = 0.1;

/**
 * One cached token with single-flight renewal: any number of concurrent callers share one
 * request to the token endpoint. Renewal starts when now >= expiresAt - margin, where
 * margin = max(minMarginMs, marginRatio * lifetime), never more than half the lifetime.
 */
export class TokenCache {
  private current?: CachedToken;
  private inFlight?: Promise<CachedToken>;
  private readonly now: Clock;
  private readonly minMarginMs: number;
  private readonly marginRatio: number;

  constructor(
    private readonly fetchToken: () => Promise<TokenGrant>,
    options: TokenCacheOptions = {},
  ) {
    this.now = options.now ?? systemClock;
    this.minMarginMs = options.minMarginMs ?? DEFAULT_MIN_MARGIN_MS;
    this.marginRatio = options.marginRatio ?? DEFAULT_MARGIN_RATIO;
  }

  /** A valid token: the cached one, or the result of the (shared) renewal. */
  async get(signal?: AbortSignal): Promise<string> {
    const current = this.current;
    if (current && this.now() < current.renewAt) return current.token;
    if (!this.inFlight) {
      this.inFlight = this.renew().finally(() => {
        this.inFlight = undefined;
      });
    }
    const renewed = await waitUnlessAborted(this.inFlight, signal);
    return renewed.token;
  }

  /** The cached token, if any (expired or not). */
  peek(): CachedToken | undefined {
    return this.current;
  }

  /** Drops the cached token; with `token`, only when it is still the cached one. */
  invalidate(token?: string): void {
    if (token === undefined || this.current?.token === token) this.current = undefined;
  }

  private async renew(): Promise<CachedToken> {
    const grant = await this.fetchToken();
    const obtainedAt = this.now();
    const lifetimeMs = Math.max(0, grant.lifetimeMs);
    const margin = Math.min(
      Math.max(this.minMarginMs, this.marginRatio * lifetimeMs),
      lifetimeMs / 2,
    );
    const cached: CachedToken = {
      token: grant.token,
      obtainedAt,
      expiresAt: obtainedAt + lifetimeMs,
      renewAt: obtainedAt + lifetimeMs - margin,
    };
    this.current = cached;
    return cached;
  }
}

function waitUnlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new Error('aborted while waiting for a token');
}
