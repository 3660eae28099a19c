import type { ReferenceObject, ResponseObject } from '@nestjs/swagger';
import { getSchemaPath } from '@nestjs/swagger';
import {
  addProblem,
  example,
  exampleFor,
  type ProblemExample,
} from '../../common/http/api-problems';
import { ProblemDetails } from '../../common/http/problem-details';
import { PROBLEM_CONTENT_TYPE, type ProblemCode } from '../../problem/problem';
import { MAX_PARAM_LENGTH } from '../problem/client-errors';

interface HttpRefusal {
  /** Its name under components.responses. */
  name: string;
  status: number;
  codes: ProblemCode[];
  description: string;
  /** The description's addition when the route declares the status already. */
  also: string;
  /** Whether a route with this path template can be refused so (all routes when absent). */
  applies?: (path: string) => boolean;
}

/**
 * The refusals answered before any route runs, whatever the route (src/gateway/problem/
 * client-errors.ts): Node's HTTP parser (a malformed request line or header, headers over its
 * limit, a request not received in time), the `Expect` check, and Fastify's router (a bad `%`
 * escape in the path; a path parameter over MAX_PARAM_LENGTH characters, on routes with one).
 */
const HTTP_REFUSALS: HttpRefusal[] = [
  {
    name: 'BadRequest',
    status: 400,
    codes: ['bad_request', 'validation_failed'],
    description:
      'The HTTP request is malformed (`bad_request`: a bad character in a header, a malformed request line, conflicting Content-Length and Transfer-Encoding, no Host) or its path has a malformed % escape (`validation_failed`)',
    also: 'the HTTP request is malformed',
  },
  {
    name: 'RequestTimeout',
    status: 408,
    codes: ['request_timeout'],
    description: 'The request was not received in time (`request_timeout`)',
    also: 'the request was not received in time',
  },
  {
    name: 'UriTooLong',
    status: 414,
    codes: ['uri_too_long'],
    description: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters (\`uri_too_long\`)`,
    also: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
    applies: (path) => path.includes('{'),
  },
  {
    name: 'ExpectationFailed',
    status: 417,
    codes: ['expectation_failed'],
    description: 'An `Expect` header other than 100-continue (`expectation_failed`)',
    also: 'an unsupported Expect header',
  },
  {
    name: 'HeadersTooLarge',
    status: 431,
    codes: ['headers_too_large'],
    description:
      'The request line and headers are larger than the gateway reads (`headers_too_large`)',
    also: 'the request headers are too large',
  },
];

/** A malformed `%` escape in the path: Fastify's router refuses it before any route runs. */
const BAD_ESCAPE: ProblemExample = {
  summary: 'The path has a malformed % escape',
  value: example(
    'validation_failed',
    'The request path is not valid: it has a malformed % escape',
    {
      errors: [{ path: 'path', code: 'badUrl', message: 'path must be validly percent-encoded' }],
    },
  ),
};

/** A refusal's examples, one per code. */
function refusalExamples(refusal: HttpRefusal): Record<string, ProblemExample> {
  const examples: Record<string, ProblemExample> = {};
  for (const code of refusal.codes) {
    const entry = code === 'validation_failed' ? BAD_ESCAPE : exampleFor(code, refusal.status);
    if (entry) examples[code] = entry;
  }
  return examples;
}

/**
 * The HTTP-level refusals (HTTP_REFUSALS) as shared responses under components.responses, each
 * with the X-Request-Id every answer carries.
 */
export function httpRefusalResponses(
  requestIdHeader: ReferenceObject,
): Record<string, ResponseObject> {
  const shared: Record<string, ResponseObject> = {};
  for (const refusal of HTTP_REFUSALS) {
    shared[refusal.name] = {
      description: refusal.description,
      headers: { 'X-Request-Id': requestIdHeader },
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: getSchemaPath(ProblemDetails) },
          examples: refusalExamples(refusal),
        },
      },
    };
  }
  return shared;
}

/**
 * Declares on an operation the HTTP-level refusals its path can get: a reference to the shared
 * response (httpRefusalResponses), or the refusal's examples added to the status the route
 * declares already (a route's own 400 `validation_failed` also lists `bad_request`).
 */
export function declareHttpRefusals(
  path: string,
  responses: Record<string, ResponseObject | ReferenceObject>,
): void {
  for (const refusal of HTTP_REFUSALS) {
    if (refusal.applies && !refusal.applies(path)) continue;
    addProblem(responses, refusal.status, refusalExamples(refusal), refusal.also, {
      $ref: `#/components/responses/${refusal.name}`,
    });
  }
}
