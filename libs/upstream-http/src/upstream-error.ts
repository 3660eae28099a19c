export type UpstreamErrorKind = 'rejected' | 'unavailable' | 'timeout' | 'circuit_open';

/** The `upstream` member of a problem+json answer. */
export interface ProblemUpstream {
  provider: string;
  httpStatus?: number;
  code?: string;
  message: string;
  transient: boolean;
  /** The upstream's own id of the call (GEP Quantum's `correlationId`), for its support desk. */
  correlationId?: string;
}

export interface UpstreamErrorInit {
  provider: string;
  kind: UpstreamErrorKind;
  message: string;
  transient: boolean;
  httpStatus?: number;
  code?: string;
  retryAfterSeconds?: number;
  details?: unknown;
  cause?: unknown;
  correlationId?: string;
}

/**
 * The one error for a failed upstream call. `kind` decides the problem code; `transient` says
 * whether trying again later may succeed. Messages and details never carry a secret.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly provider: string;
  readonly kind: UpstreamErrorKind;
  /** The upstream's HTTP status, when it answered. */
  readonly httpStatus?: number;
  /**
   * The upstream's own error code when known (e.g. `INVALID_DEALER_CODE`); otherwise a gateway
   * code such as `ECONNREFUSED`, `TIMEOUT`, `CONNECT_TIMEOUT`, `DEADLINE_EXCEEDED`,
   * `CIRCUIT_OPEN`, `TOKEN_ACQUISITION_FAILED`.
   */
  readonly code?: string;
  readonly transient: boolean;
  /** When the upstream (or the open circuit) says to try again. */
  readonly retryAfterSeconds?: number;
  /** Parsed upstream body, redacted. */
  readonly details?: unknown;
  /** The upstream's own id of the call, when its answer carries one (GEP Quantum). */
  readonly correlationId?: string;

  constructor(init: UpstreamErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.provider = init.provider;
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.transient = init.transient;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.details = init.details;
    this.correlationId = init.correlationId;
  }

  toProblemUpstream(): ProblemUpstream {
    return {
      provider: this.provider,
      httpStatus: this.httpStatus,
      code: this.code,
      message: this.message,
      transient: this.transient,
      ...(this.correlationId !== undefined ? { correlationId: this.correlationId } : {}),
    };
  }
}

export type UpstreamProblemCode = 'upstream_rejected' | 'upstream_unavailable' | 'upstream_timeout';

export interface UpstreamProblemMapping {
  status: number;
  code: UpstreamProblemCode;
  /** Value for a `Retry-After` header, when there is one. */
  retryAfterSeconds?: number;
}

/**
 * How the gateway answers an upstream failure: rejected -> 422 `upstream_rejected`;
 * circuit_open -> 503 `upstream_unavailable`; unavailable -> 503 when the upstream said when to
 * retry (Retry-After), else 502; timeout -> 504 `upstream_timeout`.
 */
export function upstreamProblemFor(error: UpstreamError): UpstreamProblemMapping {
  switch (error.kind) {
    case 'rejected':
      return { status: 422, code: 'upstream_rejected' };
    case 'circuit_open':
      return {
        status: 503,
        code: 'upstream_unavailable',
        retryAfterSeconds: error.retryAfterSeconds,
      };
    case 'unavailable':
      return error.retryAfterSeconds !== undefined
        ? { status: 503, code: 'upstream_unavailable', retryAfterSeconds: error.retryAfterSeconds }
        : { status: 502, code: 'upstream_unavailable' };
    case 'timeout':
      return { status: 504, code: 'upstream_timeout' };
  }
}
