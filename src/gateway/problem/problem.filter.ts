import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DatabaseOutage } from '../../metrics/database-outage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  internalProblem,
  knownProblem,
  PROBLEM_CODES,
  PROBLEM_CONTENT_TYPE,
  problemBody,
  ProblemCode,
  ProblemException,
  type FieldError,
} from '../../problem/problem';
import { contextOf } from '../../common/http/request-context';
import { methodNotAllowed } from './method-not-allowed';

const STATUS_TO_CODE: Record<number, ProblemCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  417: 'expectation_failed',
  422: 'business_rule_violated',
  429: 'rate_limited',
  431: 'headers_too_large',
};

interface FrameworkError {
  statusCode?: number;
  code?: string;
}

/** Turns every error into application/problem+json (RFC 9457) with the request id. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly outage: DatabaseOutage) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    this.answer(exception, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>());
  }

  /** Answers `exception` as its problem (also used by the thin routes, gateway/thin-routes.ts). */
  answer(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    // issue 11: a known path asked with another method is 405 (method-not-allowed.ts)
    const problem = methodNotAllowed(request, toProblem(exception));
    const body = problemBody(problem, String(request.id));
    if (problem.code === 'internal_error') {
      this.logger.error({ err: exception, requestId: request.id }, 'Unhandled error');
    } else if (problem.code === 'database_unavailable') {
      this.outage.refused(
        exception,
        `${request.method} ${request.routeOptions.url ?? 'unknown route'}`,
      );
    }
    contextOf(request).errorCode = problem.code;
    if (reply.sent) return;
    void reply
      .status(problem.status)
      .headers(problem.init.headers ?? {})
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(body);
  }
}

/**
 * Any error reaching the HTTP layer as the problem it is answered with: the gateway's own
 * problems and upstream failures (src/problem), Nest's HTTP exceptions (unknown routes,
 * pipes), and Fastify's own 4xx errors (body too large, unsupported content type).
 */
export function toProblem(exception: unknown): ProblemException {
  const known = knownProblem(exception);
  if (known) return known;
  if (exception instanceof HttpException) return fromHttpException(exception);
  const framework = exception as FrameworkError | null;
  if (
    framework &&
    typeof framework.statusCode === 'number' &&
    framework.statusCode >= 400 &&
    framework.statusCode < 500
  ) {
    return fromFrameworkError(framework);
  }
  return internalProblem();
}

function fromHttpException(exception: HttpException): ProblemException {
  const status = exception.getStatus();
  const code = STATUS_TO_CODE[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
  const response = exception.getResponse();
  let detail = exception.message;
  let errors: FieldError[] | undefined;
  if (typeof response === 'object' && response !== null) {
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) {
      errors = message.map((m) => ({ path: '', code: 'invalid', message: String(m) }));
      detail = message.join('; ');
    } else if (typeof message === 'string') {
      detail = message;
    }
  }
  if (status === 404 && /^Cannot [A-Z-]+ /.test(detail)) {
    detail = 'No route matches this method and path';
  }
  if (code === 'internal_error') detail = 'An unexpected error occurred';
  return new ProblemException(code, { status, detail, errors });
}

function fromFrameworkError(error: FrameworkError): ProblemException {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ProblemException('payload_too_large', {
      detail: 'The request body is larger than the gateway accepts',
    });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ProblemException('unsupported_media_type', {
      detail: 'Send the request body as application/json',
    });
  }
  const status = error.statusCode ?? 400;
  const code = STATUS_TO_CODE[status] ?? 'validation_failed';
  return new ProblemException(code, { status, detail: PROBLEM_CODES[code].title });
}
