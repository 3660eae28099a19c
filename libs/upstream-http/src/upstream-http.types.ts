import type { AuthStrategy } from '@lib/auth-strategies';
import type { UpstreamError } from './upstream-error';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Minimal structured logger (pino-compatible). Only redacted data is ever passed. */
export interface UpstreamLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export type AuditOutcome = 'success' | 'rejected' | 'transient_error' | 'timeout' | 'circuit_open';

/** One outbound attempt, redacted. */
export interface OutboundAuditEntry {
  requestId?: string;
  /** W3C trace id of the attempt's span. */
  traceId?: string;
  operationId?: string;
  reference?: string;
  provider: string;
  /** The connection (configured instance of the provider) the client belongs to, when named. */
  connection?: string;
  operation: string;
  method: string;
  /** base + path + query, secret query values masked. */
  url: string;
  status?: number;
  durationMs: number;
  /** 1-based, counting every request sent (including the re-authenticated one after a 401). */
  attempt: number;
  requestHeaders: Record<string, unknown>;
  /** The body really sent (after the auth strategy), redacted. */
  requestBody?: unknown;
  /** Redacted; replaced by `{ truncated, bytes, preview }` when over the size limit. */
  responseBody?: unknown;
  errorCode?: string;
  outcome: AuditOutcome;
  at: Date;
}

/** Where outbound audit entries go. A failing sink never fails the call. */
export interface UpstreamAuditSink {
  record(entry: OutboundAuditEntry): void | Promise<void>;
}

export interface RetrySettings {
  /** Total attempts including the first (default 3). */
  maxAttempts: number;
  /** Exponential backoff base, full jitter (default 100 ms). */
  baseDelayMs: number;
  /** Backoff cap (default 5 000 ms). */
  maxDelayMs: number;
  /** Longest `Retry-After` honoured inline; a longer one ends the call (default 30 000 ms). */
  maxRetryAfterMs: number;
  /** HTTP statuses retried (default 408, 429, 502, 503, 504). */
  retryableStatuses: readonly number[];
}

export interface BreakerSettings {
  /** Failure share that opens the circuit, >= (default 0.5). */
  failureRatio: number;
  /** Sampling window (default 10 000 ms). */
  samplingDurationMs: number;
  /** Calls needed in the window before the circuit may open (default 10). */
  minimumCalls: number;
  /** Wait before a half-open test call (default 30 000 ms). */
  halfOpenAfterMs: number;
}

/** Lets a provider read its own error code and message from an error body. */
export type ErrorParser = (
  status: number,
  body: unknown,
) => { code?: string; message?: string; correlationId?: string } | undefined;

export interface UpstreamClientConfig {
  /** Provider id, named in errors, logs and audit rows. */
  provider: string;
  /** The connection the client serves, stamped on every audit entry (absent: not named). */
  connection?: string;
  baseUrl: string;
  auth?: AuthStrategy;
  /** Headers sent on every call (e.g. `Accept`). */
  defaultHeaders?: Record<string, string>;
  /** TCP connect plus TLS handshake (default 2 000 ms). */
  connectTimeoutMs?: number;
  /** Total time of one attempt (default 10 000 ms). */
  timeoutMs?: number;
  /** Bounds the whole call, retries and waits included (default 25 000 ms). */
  deadlineMs?: number;
  retry?: Partial<RetrySettings>;
  breaker?: Partial<BreakerSettings>;
  errorParser?: ErrorParser;
  auditSink?: UpstreamAuditSink;
  logger?: UpstreamLogger;
  /** Largest serialized body kept in an audit entry (default 65 536 bytes). */
  maxAuditBodyBytes?: number;
  /** Connections per origin of the keep-alive pool (default 50). */
  maxSockets?: number;
  /** Idle time before a kept-alive connection is closed (default 30 000 ms; a server's hint may lower it). */
  keepAliveTimeoutMs?: number;
}

export interface UpstreamCallContext {
  requestId?: string;
  operationId?: string;
  reference?: string;
}

export interface UpstreamResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
  /** Requests sent for this call. */
  attempts: number;
  /** Whole call, retries included. */
  durationMs: number;
}

export interface UpstreamRequest<T = unknown> {
  method: HttpMethod;
  /** Appended to the base URL. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  /** Logical operation name for logs and audit (e.g. `createInvoice`). */
  operation: string;
  context?: UpstreamCallContext;
  /** Per-call error parser (overrides the client's). */
  errorParser?: ErrorParser;
  /**
   * Checks a 2xx answer; return (or throw) an UpstreamError when it is really a failure
   * (e.g. `{ success: false }`).
   */
  validateResponse?(response: UpstreamResponse<T>): UpstreamError | undefined | void;
  /** `false` disables retries for this call (e.g. a create that must not be repeated). */
  retry?: boolean;
  timeoutMs?: number;
  deadlineMs?: number;
  /** Aborts the call (e.g. the caller went away). */
  signal?: AbortSignal;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';
