import type { ClientTlsOptions } from './http-transport';

/** The request an auth strategy prepares; strategies mutate it in place (never the caller's body). */
export interface OutgoingRequest {
  method: string;
  /** Absolute URL of the upstream call. */
  url: string;
  /** Header names as set by the caller; strategies add theirs. */
  headers: Record<string, string>;
  /** JSON body. A strategy that changes the body replaces it with a copy. */
  body: unknown;
  /**
   * Client certificate for this request (mutual TLS). Keep one object per configuration: the
   * HTTP client makes one connection pool per distinct configuration, on first use.
   */
  tls?: ClientTlsOptions;
}

export interface AuthContext {
  /** Provider id, for error messages. */
  provider: string;
  /** Aborted when the caller gives up (deadline); waiting for a token stops then. */
  signal?: AbortSignal;
}

/** One way of authenticating an outgoing request. Implementations are safe for concurrent use. */
export interface AuthStrategy {
  /** Short name for logs (never a secret). */
  readonly name: string;
  /** True when a 401 answer is worth one retry after `invalidate()` (a cached token). */
  readonly refreshable: boolean;
  apply(req: OutgoingRequest, ctx: AuthContext): Promise<void>;
  /**
   * Called on a 401: drop the cached credential. When `rejected` (the request that got the 401)
   * is given, a token that was already renewed by another caller is kept.
   */
  invalidate?(rejected?: OutgoingRequest): void;
  /** Literal secret values this strategy sends (for masking logs, errors and audit rows). */
  secretValues?(): string[];
  /** Releases what the strategy holds, if anything. */
  close?(): void;
}

/** Clock in epoch milliseconds. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** Sets a header, replacing any existing one with the same name in another case. */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === lower && key !== name) delete headers[key];
  }
  headers[name] = value;
}

/** Reads a header whatever its case. */
export function getHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}
