import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Context, type Span, context, trace } from '@opentelemetry/api';
import { SpanKind, endSpan, extractTraceContext, startSpan } from '@lib/tracing';
import { contextOf } from '../common/http/request-context';

interface RequestTrace {
  span: Span;
  ctx: Context;
}

/** Keyed by the raw Node request: the request logger sees only that. */
const traces = new WeakMap<object, RequestTrace>();

/** The trace id of an inbound request (its server span's). */
export function requestTraceId(raw: object): string | undefined {
  return traces.get(raw)?.span.spanContext().traceId;
}

/**
 * A server span per inbound request, continuing the caller's W3C traceparent/tracestate (a new
 * trace when absent or invalid). The span's context is made active for the handler, so that the
 * upstream attempts made while handling the request are its children.
 */
export function registerTracingHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done) => {
    const parent = extractTraceContext(request.headers, context.active());
    const span = startSpan(
      request.method,
      SpanKind.SERVER,
      { 'http.request.method': request.method, 'gateway.request_id': String(request.id) },
      parent,
    );
    traces.set(request.raw, { span, ctx: trace.setSpan(parent, span) });
    done();
  });

  // after body parsing (a stream's callbacks do not keep the async context), before the handler
  fastify.addHook('preHandler', (request: FastifyRequest, _reply: FastifyReply, done) => {
    const entry = traces.get(request.raw);
    if (!entry) return done();
    context.with(entry.ctx, done);
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const entry = traces.get(request.raw);
    if (entry) {
      const route = request.routeOptions.url;
      const status = reply.statusCode;
      const ctx = contextOf(request);
      const span = entry.span;
      span.updateName(route ? `${request.method} ${route}` : request.method);
      span.setAttributes({
        'http.response.status_code': status,
        ...(route ? { 'http.route': route } : {}),
        ...(ctx.principal
          ? {
              'gateway.client': ctx.principal.clientName,
              'gateway.client_id': ctx.principal.clientId,
            }
          : {}),
        ...(ctx.provider ? { 'upstream.provider': ctx.provider } : {}),
        ...(ctx.operationId ? { 'gateway.operation_id': ctx.operationId } : {}),
      });
      endSpan(
        span,
        status >= 500
          ? { type: ctx.errorCode ?? String(status), message: ctx.errorCode }
          : undefined,
      );
    }
    done();
  });
}
