import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { inboundOutcome, type AuditWriter } from '../../audit/audit-writer.service';
import { saneRequestId } from '../../common/http/request-context';
import {
  PROBLEM_CONTENT_TYPE,
  ProblemException,
  problemBody,
  type ProblemCode,
} from '../../problem/problem';

/** Fastify's default router limit on one path parameter (find-my-way `maxParamLength`). */
export const MAX_PARAM_LENGTH = 100;

/**
 * Answers, as problem+json with a request id, the refusals that happen before Nest sees a
 * request, and writes their audit row:
 * - Fastify's router errors (`frameworkErrors`): a bad `%` escape in the path (400), a path
 *   parameter over MAX_PARAM_LENGTH characters (414), an async constraint that failed (400);
 * - Node's HTTP parser errors (`clientErrorHandler`, the server's `clientError` event): CR, LF,
 *   NUL or other bytes not allowed in a header, a malformed request line, conflicting
 *   Content-Length / Transfer-Encoding (400), headers over Node's limit (431), a request not
 *   received in time (408);
 * - an `Expect` header other than `100-continue` (the server's `checkExpectation` event): 417.
 * Node answers those three itself, as plain JSON or with no body, unless a handler is set.
 *
 * Built before the Nest application (Fastify takes the handlers as options); `attach` hands it
 * the audit writer once the application exists.
 */
export class ClientErrorResponder {
  private audit?: AuditWriter;

  attach(audit: AuditWriter): void {
    this.audit = audit;
  }

  /** Fastify `frameworkErrors` option. */
  readonly frameworkErrors = (
    error: FastifyError,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void => {
    const problem = frameworkProblem(error);
    const requestId = String(request.id);
    const body = problemBody(problem, requestId);
    this.record(request.raw, requestId, problem, body);
    void reply
      .code(problem.status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .header('x-request-id', requestId)
      .send(body);
  };

  /** Fastify `clientErrorHandler` option (the server's `clientError` event). */
  readonly clientError = (error: ClientError, socket: Duplex): void => {
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    const problem = clientProblem(error);
    const requestId = randomUUID();
    const body = problemBody(problem, requestId);
    const head = requestLine(error.rawPacket);
    this.record(head, requestId, problem, body);
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${problem.status} ${reason(problem.code)}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        // an answer to HEAD has no body (RFC 9110, 9.3.2): Content-Length says what GET gets
        (head.method === 'HEAD' ? '' : text),
    );
  };

  /** The server's `checkExpectation` event: an `Expect` other than 100-continue. */
  readonly checkExpectation = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = saneRequestId(req.headers['x-request-id']) ?? randomUUID();
    const problem = new ProblemException('expectation_failed', {
      detail: 'The gateway meets no expectation but 100-continue: send the request without Expect',
      errors: [
        {
          path: 'Expect',
          code: 'unsupportedExpectation',
          message: 'Expect must be 100-continue or absent',
        },
      ],
    });
    const body = problemBody(problem, requestId);
    this.record(req, requestId, problem, body);
    const text = JSON.stringify(body);
    res.writeHead(problem.status, {
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(text),
      'x-request-id': requestId,
      connection: 'close',
    });
    res.end(text);
  };

  private record(
    head: { method?: string; url?: string },
    requestId: string,
    problem: ProblemException,
    body: unknown,
  ): void {
    const method = head.method ?? '-';
    this.audit?.record({
      requestId,
      direction: 'inbound',
      operation: `${method} unmatched`,
      method,
      path: head.url ?? '-',
      status: problem.status,
      outcome: inboundOutcome(problem.status),
      errorCode: problem.code,
      responseBody: body,
    });
  }
}

export interface ClientError extends Error {
  code?: string;
  reason?: string;
  /** The bytes Node could not parse (a Buffer; Fastify's type says otherwise). */
  rawPacket?: unknown;
}

export function frameworkProblem(error: FastifyError): ProblemException {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new ProblemException('validation_failed', {
        detail: 'The request path is not valid: it has a malformed % escape',
        errors: [{ path: 'path', code: 'badUrl', message: 'path must be validly percent-encoded' }],
      });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ProblemException('uri_too_long', {
        detail: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
        errors: [
          {
            path: 'path',
            code: 'maxParamLength',
            message: `each path parameter must be at most ${MAX_PARAM_LENGTH} characters`,
          },
        ],
      });
    default:
      // FST_ERR_ASYNC_CONSTRAINT and any router error Fastify adds later: the request cannot be routed
      return new ProblemException('bad_request', {
        detail: 'The request could not be routed',
      });
  }
}

export function clientProblem(error: ClientError): ProblemException {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ProblemException('headers_too_large', {
        detail: 'The request line and headers are larger than the gateway accepts',
      });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new ProblemException('request_timeout', {
        detail: 'The request was not received in time',
      });
    case undefined:
    default: {
      // llhttp's reasons are fixed texts ("Invalid header value char"), never the request's bytes
      const why = typeof error.reason === 'string' ? error.reason.slice(0, 200) : undefined;
      return new ProblemException('bad_request', {
        detail: `The request is not valid HTTP/1.1${why ? `: ${why}` : ''}`,
        errors: [
          {
            path: 'request',
            code: error.code ?? 'malformed',
            message: why ?? 'the request line or a header is malformed',
          },
        ],
      });
    }
  }
}

const REASONS: Partial<Record<ProblemCode, string>> = {
  bad_request: 'Bad Request',
  request_timeout: 'Request Timeout',
  headers_too_large: 'Request Header Fields Too Large',
};

function reason(code: ProblemCode): string {
  return REASONS[code] ?? 'Bad Request';
}

/** Method and target of a request Node could not parse, when its first line is readable. */
export function requestLine(raw: unknown): { method?: string; url?: string } {
  if (!Buffer.isBuffer(raw)) return {};
  const first = raw.subarray(0, 2048).toString('latin1').split('\r\n', 1)[0];
  const match = /^([A-Z]{1,10}) ([\x21-\x7e]{1,2000}) HTTP\/\d\.\d$/.exec(first);
  return match ? { method: match[1], url: match[2] } : {};
}
