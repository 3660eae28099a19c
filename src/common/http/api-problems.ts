import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiResponse,
  getSchemaPath,
  type ReferenceObject,
  type ResponseObject,
} from '@nestjs/swagger';
import {
  PROBLEM_CODES,
  PROBLEM_CONTENT_TYPE,
  problemType,
  type ProblemBody,
  type ProblemCode,
} from '../../problem/problem';
import { ProblemDetails } from './problem-details';
import { RETRY_AFTER } from './headers';

/** The statuses a route can declare problems for. */
export type ProblemStatus =
  | 400
  | 401
  | 403
  | 404
  | 409
  | 413
  | 415
  | 422
  | 429
  | 500
  | 502
  | 503
  | 504;

const EXAMPLE_REQUEST_ID = '6f1c2c1e-2b9b-4a53-9a43-5d1f8f3f3c11';

export function example(
  code: ProblemCode,
  detail: string,
  extra: Partial<ProblemBody> = {},
  status: number = PROBLEM_CODES[code].status,
): ProblemBody {
  return {
    type: problemType(code),
    title: PROBLEM_CODES[code].title,
    status,
    detail,
    code,
    requestId: EXAMPLE_REQUEST_ID,
    ...extra,
  };
}

export interface ProblemExample {
  summary: string;
  value: ProblemBody;
}

/** A problem code's example for a status, when it has one. */
export function exampleFor(code: ProblemCode, status: number): ProblemExample | undefined {
  return EXAMPLES[code].find((candidate) => candidate.value.status === status);
}

/** One realistic example per problem code (a code can answer with more than one status). */
const EXAMPLES: Record<ProblemCode, ProblemExample[]> = {
  validation_failed: [
    {
      summary: 'A field is missing or invalid',
      value: example('validation_failed', 'The request has 1 invalid field: party.code', {
        errors: [
          { path: 'party.code', code: 'isNotEmpty', message: 'party.code should not be empty' },
        ],
      }),
    },
  ],
  unauthorized: [
    {
      summary: 'No, unknown or revoked API key',
      value: example(
        'unauthorized',
        'A valid API key is required: send Authorization: Bearer <key>',
      ),
    },
  ],
  forbidden: [
    {
      summary: 'The key lacks the scope',
      value: example('forbidden', 'This API key lacks the scope invoices:write'),
    },
  ],
  not_found: [
    {
      summary: 'No such resource',
      value: example('not_found', 'No invoice 0b9e4a3c-1f6d-4c8e-9a51-2f3b7c6d8e90'),
    },
  ],
  method_not_allowed: [
    { summary: 'Method not allowed', value: example('method_not_allowed', 'Method not allowed') },
  ],
  conflict: [
    {
      summary: 'The resource exists with other content',
      value: example(
        'conflict',
        'dms invoice REQ-2025-001234 exists with other content; use another reference',
      ),
    },
  ],
  idempotency_key_in_flight: [
    {
      summary: 'The first request with this Idempotency-Key is still running',
      value: example(
        'idempotency_key_in_flight',
        'A request with this Idempotency-Key is still being processed; retry shortly',
      ),
    },
  ],
  payload_too_large: [
    {
      summary: 'Body larger than the gateway accepts',
      value: example('payload_too_large', 'The request body is larger than the gateway accepts'),
    },
  ],
  unsupported_media_type: [
    {
      summary: 'Body not sent as JSON',
      value: example('unsupported_media_type', 'Send the request body as application/json'),
    },
  ],
  idempotency_key_reused: [
    {
      summary: 'Same Idempotency-Key, other body',
      value: example(
        'idempotency_key_reused',
        'This Idempotency-Key was used with another request body',
      ),
    },
  ],
  unsupported_operation: [
    {
      summary: 'The provider does not support this operation',
      value: example('unsupported_operation', 'dms does not support invoice.update'),
    },
  ],
  unknown_connection: [
    {
      summary: 'The connection named is unknown, disabled or of another provider',
      value: example('unknown_connection', 'no enabled connection is named dms-uat', {
        errors: [
          {
            path: 'connection',
            code: 'unknown_connection',
            message: 'no enabled connection is named dms-uat',
          },
        ],
      }),
    },
  ],
  business_rule_violated: [
    {
      summary: 'A documented provider rule is not met',
      value: example(
        'business_rule_violated',
        'DEALER_MISMATCH: the invoice belongs to another dealer',
        {
          errors: [
            {
              path: 'party.code',
              code: 'DEALER_MISMATCH',
              message: 'party.code must be the invoice dealer',
            },
          ],
        },
      ),
    },
  ],
  upstream_rejected: [
    {
      summary: 'The provider refused the request',
      value: example('upstream_rejected', 'dms rejected the request: Dealer code not registered', {
        upstream: {
          provider: 'dms',
          httpStatus: 400,
          code: 'INVALID_DEALER_CODE',
          message: 'Dealer code not registered',
          transient: false,
        },
      }),
    },
  ],
  rate_limited: [
    {
      summary: 'Too many requests for this API key',
      value: example('rate_limited', 'Rate limit reached for this API key; retry in 2 s'),
    },
  ],
  internal_error: [
    {
      summary: 'Unexpected error',
      value: example(
        'internal_error',
        'An unexpected error occurred. Quote the request id when reporting it.',
      ),
    },
  ],
  upstream_unavailable: [
    {
      summary: 'The provider failed (no retry time given)',
      value: example(
        'upstream_unavailable',
        'dms is unavailable: upstream answered 500',
        { upstream: { provider: 'dms', httpStatus: 500, transient: true } },
        502,
      ),
    },
    {
      summary: 'The provider is failing; retry after the given time',
      value: example(
        'upstream_unavailable',
        'dms is failing; calls are paused until it recovers',
        { upstream: { provider: 'dms', transient: true } },
        503,
      ),
    },
  ],
  outcome_uncertain: [
    {
      summary: 'The upstream may hold the document, but no answer confirmed it',
      value: example(
        'outcome_uncertain',
        'delivery-solutions may already hold ORDER-1001: an earlier attempt got no answer; settle it with POST /v1/operations/{id}/resolve',
      ),
    },
  ],
  bad_request: [
    {
      summary: 'The HTTP request itself is malformed',
      value: example(
        'bad_request',
        'The request could not be read: a header holds a bad character',
      ),
    },
  ],
  request_timeout: [
    {
      summary: 'The request was not received in time',
      value: example('request_timeout', 'The request was not received in time'),
    },
  ],
  uri_too_long: [
    {
      summary: 'A path parameter is longer than any resource id',
      value: example('uri_too_long', 'A path parameter is longer than 100 characters'),
    },
  ],
  expectation_failed: [
    {
      summary: 'An Expect header the gateway does not meet',
      value: example('expectation_failed', 'Only Expect: 100-continue is supported'),
    },
  ],
  headers_too_large: [
    {
      summary: 'The request headers are too large',
      value: example('headers_too_large', 'The request headers are larger than the gateway reads'),
    },
  ],
  database_unavailable: [
    {
      summary: 'The database is unavailable for the moment; retry after Retry-After seconds',
      value: example(
        'database_unavailable',
        'The database is unavailable for the moment; retry after Retry-After seconds',
      ),
    },
  ],
  upstream_timeout: [
    {
      summary: 'The provider did not answer in time',
      value: example('upstream_timeout', 'dms did not answer in time', {
        upstream: { provider: 'dms', transient: true },
      }),
    },
  ],
};

/** What each status means when a route declares it, and the codes it is answered with by default. */
const STATUSES: Record<ProblemStatus, { description: string; codes: ProblemCode[] }> = {
  400: {
    description: 'Invalid request: every bad field is named in errors[]',
    codes: ['validation_failed'],
  },
  401: { description: 'Missing, unknown or revoked API key', codes: ['unauthorized'] },
  403: { description: "The API key lacks the route's scope", codes: ['forbidden'] },
  404: { description: 'Not found', codes: ['not_found'] },
  409: { description: 'Conflict', codes: ['conflict'] },
  413: { description: 'Request body too large', codes: ['payload_too_large'] },
  415: { description: 'The body is not JSON', codes: ['unsupported_media_type'] },
  422: { description: 'The request cannot be processed', codes: [] },
  429: {
    description: 'Rate limit reached; retry after Retry-After seconds',
    codes: ['rate_limited'],
  },
  500: { description: 'Unexpected error', codes: ['internal_error'] },
  502: { description: 'The provider failed', codes: ['upstream_unavailable'] },
  503: {
    description:
      'The provider is unavailable or its circuit is open; retry after Retry-After seconds',
    codes: ['upstream_unavailable'],
  },
  504: { description: 'The provider did not answer in time', codes: ['upstream_timeout'] },
};

/**
 * Statuses whose answer may carry Retry-After: 429 always, 409 while an Idempotency-Key is in
 * flight, 503 when the provider gave a time or the circuit is open.
 */
const RETRY_AFTER_STATUSES = new Set<number>([409, 429, 503]);

/**
 * The problem answers (application/problem+json, ProblemDetails) a route declares, in one
 * decorator. A status brings its usual code's example; a code adds its own example under its
 * status, e.g. `@ApiProblems(400, 404, 'unsupported_operation', 'upstream_rejected', 502)`.
 * A status is described by the codes listed for it: 409 with 'idempotency_key_in_flight' shows
 * both that and the plain conflict only when 409 is listed too.
 */
export function ApiProblems(
  ...items: Array<ProblemStatus | ProblemCode>
): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, Set<ProblemCode>>();
  const add = (status: number, code?: ProblemCode) => {
    const codes = byStatus.get(status) ?? new Set<ProblemCode>();
    if (code) codes.add(code);
    byStatus.set(status, codes);
  };
  for (const item of items) {
    if (typeof item === 'number') {
      add(item);
      for (const code of STATUSES[item].codes) add(item, code);
    } else {
      add(PROBLEM_CODES[item].status, item);
    }
  }
  const decorators = [...byStatus].map(([status, codes]) => {
    if (codes.size === 0) {
      throw new Error(`ApiProblems: status ${status} needs at least one problem code`);
    }
    const examples: Record<string, ProblemExample> = {};
    for (const code of codes) {
      for (const candidate of EXAMPLES[code]) {
        if (candidate.value.status === status) examples[code] = candidate;
      }
    }
    const codeList = [...codes].map((c) => `\`${c}\``).join(', ');
    return ApiResponse({
      status,
      description: `${STATUSES[status as ProblemStatus].description} (${codeList})`,
      headers: RETRY_AFTER_STATUSES.has(status) ? { 'Retry-After': RETRY_AFTER } : {},
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: getSchemaPath(ProblemDetails) },
          examples,
        },
      },
    });
  });
  return applyDecorators(ApiExtraModels(ProblemDetails), ...decorators);
}

/**
 * Adds problem examples (keyed by code) to a status an operation declares already, naming the
 * codes in its description after `also`; or, when the operation does not declare the status,
 * declares it as `otherwise`.
 */
export function addProblem(
  responses: Record<string, ResponseObject | ReferenceObject>,
  status: number,
  added: Record<string, ProblemExample>,
  also: string,
  otherwise: ResponseObject | ReferenceObject,
): void {
  const existing = responses[String(status)];
  const content =
    existing && !('$ref' in existing) ? existing.content?.[PROBLEM_CONTENT_TYPE] : undefined;
  if (!existing || !content) {
    responses[String(status)] = otherwise;
    return;
  }
  const examples = { ...(content.examples ?? {}) };
  for (const [code, entry] of Object.entries(added)) examples[code] ??= entry;
  content.examples = examples;
  const response = existing as ResponseObject;
  response.description = `${response.description.replace(/ \(([^)]*)\)$/, '')}; or ${also} (${Object.keys(
    examples,
  )
    .map((c) => `\`${c}\``)
    .join(', ')})`;
}

/**
 * Declares on an operation's responses the 503 `database_unavailable` every route that reads
 * the database can answer (the API key check does, on every authenticated route): added to the
 * 503 the route declares already, or as a 503 of its own. Run once per document
 * (finishDocument), since a second decorator for the same status would replace the route's.
 */
export function declareDatabaseUnavailable(responses: Record<string, ResponseObject>): void {
  const examples = { database_unavailable: EXAMPLES.database_unavailable[0] };
  addProblem(responses, 503, examples, 'the database is unavailable', {
    description:
      'The database is unavailable; retry after Retry-After seconds (`database_unavailable`)',
    headers: { 'Retry-After': RETRY_AFTER },
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: getSchemaPath(ProblemDetails) },
        examples,
      },
    },
  });
}
