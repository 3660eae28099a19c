import { UpstreamError, upstreamProblemFor } from '@lib/upstream-http';
import { DATABASE_RETRY_AFTER_SECONDS, databaseUnavailableReason } from './database-unavailable';

/**
 * Problems (RFC 9457) as plain values, shared by the HTTP layer, the operations engine and
 * audit queries. Nothing here knows about HTTP requests: the gateway's filter adds the request
 * id and sends the answer; the executor stores the same body in the operation row.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Every error code the unified API answers with (docs/api.md, "Errors"). */
export const PROBLEM_CODES = {
  validation_failed: { status: 400, title: 'Validation failed' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  idempotency_key_in_flight: { status: 409, title: 'Idempotency key in flight' },
  outcome_uncertain: { status: 409, title: 'Outcome uncertain' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  unsupported_operation: { status: 422, title: 'Unsupported operation' },
  unknown_connection: { status: 422, title: 'Unknown connection' },
  business_rule_violated: { status: 422, title: 'Business rule violated' },
  upstream_rejected: { status: 422, title: 'Upstream rejected the request' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  // HTTP-level refusals answered before any route runs (src/gateway/problem/client-errors.ts)
  bad_request: { status: 400, title: 'Bad request' },
  request_timeout: { status: 408, title: 'Request timeout' },
  uri_too_long: { status: 414, title: 'URI too long' },
  expectation_failed: { status: 417, title: 'Expectation failed' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  upstream_unavailable: { status: 503, title: 'Upstream unavailable' },
  upstream_timeout: { status: 504, title: 'Upstream timeout' },
  database_unavailable: { status: 503, title: 'Database unavailable' },
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

export interface UpstreamProblem {
  provider: string;
  httpStatus?: number;
  code?: string;
  message?: string;
  transient: boolean;
  /** The upstream's own id of the call (GEP Quantum's `correlationId`): GEP support asks for it. */
  correlationId?: string;
}

/** The problem+json body (docs/api.md, "Errors"). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  requestId: string;
  errors?: FieldError[];
  upstream?: UpstreamProblem;
}

export function problemType(code: ProblemCode): string {
  return `https://invoice-gateway.dev/problems/${code}`;
}

export interface ProblemInit {
  detail?: string;
  errors?: FieldError[];
  upstream?: UpstreamProblem;
  /** Overrides the code's default status (e.g. 502 vs 503 for upstream_unavailable). */
  status?: number;
  headers?: Record<string, string>;
}

/** Throw this anywhere to answer with a specific problem. */
export class ProblemException extends Error {
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    readonly init: ProblemInit = {},
  ) {
    super(init.detail ?? PROBLEM_CODES[code].title);
    this.name = 'ProblemException';
    this.status = init.status ?? PROBLEM_CODES[code].status;
  }
}

/** The problem+json body for a problem. */
export function problemBody(problem: ProblemException, requestId: string): ProblemBody {
  return {
    type: problemType(problem.code),
    title: PROBLEM_CODES[problem.code].title,
    status: problem.status,
    detail: problem.message,
    code: problem.code,
    requestId,
    ...(problem.init.errors?.length ? { errors: problem.init.errors } : {}),
    ...(problem.init.upstream ? { upstream: problem.init.upstream } : {}),
  };
}

/** An upstream failure as the problem it is answered with (libs/upstream-http decides the code). */
export function upstreamProblem(error: UpstreamError): ProblemException {
  const mapping = upstreamProblemFor(error);
  const upstream = error.toProblemUpstream();
  const headers: Record<string, string> =
    mapping.retryAfterSeconds === undefined
      ? {}
      : { 'retry-after': String(Math.max(1, Math.ceil(mapping.retryAfterSeconds))) };
  const detail = {
    rejected: `${error.provider} rejected the request: ${error.message}`,
    timeout: `${error.provider} did not answer in time`,
    circuit_open: `${error.provider} is failing; calls are paused until it recovers`,
    unavailable: `${error.provider} is unavailable: ${error.message}`,
  }[error.kind];
  return new ProblemException(mapping.code, { status: mapping.status, detail, upstream, headers });
}

/** The problem an error stands for, or undefined for an unexpected error. */
export function knownProblem(error: unknown): ProblemException | undefined {
  if (error instanceof ProblemException) return error;
  if (error instanceof UpstreamError) return upstreamProblem(error);
  if (databaseUnavailableReason(error)) return databaseUnavailableProblem();
  return undefined;
}

/** The database is unavailable (src/problem/database-unavailable.ts): retry shortly. */
export function databaseUnavailableProblem(): ProblemException {
  return new ProblemException('database_unavailable', {
    detail: 'The database is unavailable for the moment; retry after Retry-After seconds',
    headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
  });
}

/** What an unexpected error is answered with (never its message: it may hold internals). */
export function internalProblem(): ProblemException {
  return new ProblemException('internal_error', {
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
  });
}

/** A 400 naming every bad field. */
export function validationProblem(errors: FieldError[], what = 'request'): ProblemException {
  const paths = [...new Set(errors.map((e) => e.path))];
  return new ProblemException('validation_failed', {
    detail: `The ${what} has ${paths.length} invalid field${paths.length === 1 ? '' : 's'}: ${paths.join(', ')}`,
    errors,
  });
}
