import {
  applyDecorators,
  type CallHandler,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import type { Caller, RunOutcome } from '../../operations/run-outcome';
import { toOperationAnswer } from './operation-answer';
import { ProblemException } from '../../problem/problem';
import { contextOf } from '../../common/http/request-context';
import { OperationDto } from '../operations/operation.dto';
import { IDEMPOTENCY_HEADER, PREFER_HEADER } from '../swagger-examples';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The HTTP edge of an operation, in one place: `@CallerOf()` turns the request into the plain
 * `Caller` the services take (client, request id, checked Idempotency-Key), and
 * `@OperationRoute()` turns the `RunOutcome` they return into its answer (status, headers,
 * `Idempotent-Replayed`) and names the operation in the call's audit row.
 */
export const CallerOf = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Caller =>
    callerOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

/** The plain `Caller` of a request (what `@CallerOf()` gives; the thin routes call it too). */
export function callerOf(request: FastifyRequest): Caller {
  const principal = contextOf(request).principal;
  if (!principal) throw new ProblemException('unauthorized');
  const key = idempotencyKeyOf(request);
  // the body's form is validated by the route's DTO; only a string is taken here
  const callbackUrl = (request.body as { callbackUrl?: unknown } | undefined)?.callbackUrl;
  return {
    clientId: principal.clientId,
    requestId: String(request.id),
    ...(key !== undefined ? { idempotencyKey: key } : {}),
    ...(prefersAsync(request) ? { respondAsync: true } : {}),
    ...(typeof callbackUrl === 'string' ? { callbackUrl } : {}),
    ...(principal.connections ? { connections: principal.connections } : {}),
  };
}

/** `Prefer: respond-async` (RFC 7240), among any other preferences. */
function prefersAsync(request: FastifyRequest): boolean {
  const raw = request.headers.prefer;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values.some((value) =>
    value.split(',').some((pref) => pref.split(';')[0].trim().toLowerCase() === 'respond-async'),
  );
}

@Injectable()
export class OperationAnswerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<RunOutcome>): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(map((outcome) => answerOperation(request, reply, outcome)));
  }
}

/**
 * Sets the answer's status and headers on `reply`, names the operation in the request's context
 * (for its audit row and log line) and returns the body to send.
 */
export function answerOperation(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: RunOutcome,
): unknown {
  const answer = toOperationAnswer(outcome, String(request.id));
  const ctx = contextOf(request);
  ctx.operation = answer.facts.kind;
  ctx.provider = answer.facts.provider;
  ctx.connection = answer.facts.connection ?? undefined;
  ctx.reference = answer.facts.reference ?? undefined;
  ctx.operationId = answer.facts.operationId;
  if (answer.errorCode) ctx.errorCode = answer.errorCode;
  void reply.status(answer.status).headers(answer.headers);
  if (answer.replayed) void reply.header('idempotent-replayed', 'true');
  return answer.body;
}

/**
 * A mutating route: takes an Idempotency-Key and answers the RunOutcome it returns. The six
 * business routes also take `Prefer: respond-async` (202 with the operation); the operation
 * admin routes (replay, resolve) do not.
 */
export const OperationRoute = (options: { respondAsync?: boolean } = {}) =>
  applyDecorators(
    UseInterceptors(OperationAnswerInterceptor),
    ApiHeader(IDEMPOTENCY_HEADER),
    ...(options.respondAsync === false
      ? []
      : [
          ApiHeader(PREFER_HEADER),
          ApiAcceptedResponse({
            type: OperationDto,
            description:
              'Prefer: respond-async: accepted durably; follow the operation at Location (Preference-Applied: respond-async)',
            headers: {
              Location: { description: '/v1/operations/{id}', schema: { type: 'string' } },
              'Preference-Applied': { schema: { type: 'string', enum: ['respond-async'] } },
            },
          }),
        ]),
  );

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ProblemException('validation_failed', {
      detail: 'The request has 1 invalid field: Idempotency-Key',
      errors: [
        {
          path: 'Idempotency-Key',
          code: 'invalid',
          message: 'Idempotency-Key must be 1-255 visible ASCII characters',
        },
      ],
    });
  }
  return value;
}
