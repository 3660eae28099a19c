import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuditWriter, inboundOutcome } from '../../audit/audit-writer.service';
import { MetricsService } from '../../metrics/metrics.service';
import { requestTraceId } from '../../tracing/request-tracing';
import { contextOf, isOperationalPath } from '../../common/http/request-context';

/**
 * Fastify hooks that run for every request: echo X-Request-Id, keep the JSON answer for the
 * audit row, and write one inbound audit row and metric sample when the answer is sent.
 */
export function registerRequestHooks(
  fastify: FastifyInstance,
  audit: AuditWriter,
  metrics: MetricsService,
): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('x-request-id', request.id);
  });

  // an answer given as a value is kept as that value: the audit row needs no parse of its JSON
  fastify.addHook(
    'preSerialization',
    (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done) => {
      if (payload !== null && typeof payload === 'object' && !isOperationalPath(request.url)) {
        contextOf(request).responseValue = payload;
      }
      done(null, payload);
    },
  );

  fastify.addHook(
    'onSend',
    async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (
        typeof payload === 'string' &&
        !isOperationalPath(request.url) &&
        request.gateway?.responseValue === undefined
      ) {
        const type = String(reply.getHeader('content-type') ?? '');
        if (type.includes('json')) contextOf(request).responseBody = payload;
      }
      return payload;
    },
  );

  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.httpRequests.inc({ method: request.method, route, status: String(status) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (isOperationalPath(request.url)) return;
    const ctx = contextOf(request);
    audit.record({
      requestId: String(request.id),
      traceId: requestTraceId(request.raw),
      clientId: ctx.principal?.clientId,
      clientName: ctx.principal?.clientName,
      direction: 'inbound',
      provider: ctx.provider,
      connection: ctx.connection,
      operation: ctx.operation ?? `${request.method} ${route}`,
      method: request.method,
      path: request.url,
      status,
      durationMs: reply.elapsedTime,
      outcome: inboundOutcome(status),
      errorCode: ctx.errorCode,
      operationId: ctx.operationId,
      reference: ctx.reference,
      // an unauthenticated caller's body is not kept; an audit-log page is not copied into a row
      requestBody: ctx.principal ? request.body : undefined,
      responseBody:
        route === '/v1/audit-logs' ? undefined : (ctx.responseValue ?? parseJson(ctx.responseBody)),
    });
  });
}

function parseJson(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length === 0) return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}
