import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Every error code the unified API answers with (DESIGN.md section 3). */
export const PROBLEM_CODES = {
  validation_failed: { status: 400, title: 'Validation failed' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  idempotency_key_in_flight: { status: 409, title: 'Idempotency key in flight' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  unsupported_operation: { status: 422, title: 'Unsupported operation' },
  business_rule_violated: { status: 422, title: 'Business rule violated' },
  upstream_rejected: { status: 422, title: 'Upstream rejected the request' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  // HTTP-level refusals answered before any route runs (see client-errors.ts)
  bad_request: { status: 400, title: 'Bad request' },
  request_timeout: { status: 408, title: 'Request timeout' },
  uri_too_long: { status: 414, title: 'URI too long' },
  expectation_failed: { status: 417, title: 'Expectation failed' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  upstream_unavailable: { status: 503, title: 'Upstream unavailable' },
  upstream_timeout: { status: 504, title: 'Upstream timeout' },
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export class FieldError {
  @ApiProperty({ example: 'party.code' })
  path!: string;
  @ApiProperty({ example: 'isNotEmpty' })
  code!: string;
  @ApiProperty({ example: 'party.code should not be empty' })
  message!: string;
}

export class UpstreamProblem {
  @ApiProperty({ example: 'dms' })
  provider!: string;
  @ApiPropertyOptional({ example: 400 })
  httpStatus?: number;
  @ApiPropertyOptional({ example: 'INVALID_DEALER_CODE' })
  code?: string;
  @ApiPropertyOptional({ example: 'Dealer code not registered' })
  message?: string;
  @ApiProperty({ example: false })
  transient!: boolean;
}

/** RFC 9457 problem details, as every error of the gateway is answered. */
export class ProblemDetails {
  @ApiProperty({ example: 'https://invoice-gateway.dev/problems/validation_failed' })
  type!: string;
  @ApiProperty({ example: 'Validation failed' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty({ example: 'The request has 1 invalid field: party.code' })
  detail!: string;
  @ApiProperty({ enum: Object.keys(PROBLEM_CODES), example: 'validation_failed' })
  code!: ProblemCode;
  @ApiProperty({ example: '6f1c2c1e-2b9b-4a53-9a43-5d1f8f3f3c11' })
  requestId!: string;
  @ApiPropertyOptional({ type: [FieldError] })
  errors?: FieldError[];
  @ApiPropertyOptional({ type: UpstreamProblem })
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
