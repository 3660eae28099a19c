import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Context, type Span, context, isSpanContextValid, trace } from '@opentelemetry/api';
import {
  SpanKind,
  endSpan,
  extractTraceContext,
  newUnrecordedSpan,
  spansRecorded,
  startSpan,
} from '@lib/tracing';
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
 * Adds `value` under `key` to the context the request's handler runs in (the request logger
 * keeps its per-request logger there: the process has one AsyncLocalStorage, OpenTelemetry's).
 * Returns the context to run the rest of the request in.
 */
export function extendRequestContext(raw: object, key: symbol, value: unknown): Context {
  const entry = traces.get(raw);
  if (entry) entry.ctx = entry.ctx.setValue(key, value);
  return entry?.ctx ?? context.active().setValue(key, value);
}

/**
 * A server span per inbound request, continuing the caller's W3C traceparent/tracestate (a new
 * trace when absent or invalid). The span's context is made active for the handler, so that the
 * upstream attempts made while handling the request are its children. When nothing records
 * spans (no exporter), there is no server span: the caller's trace context is used as it is, or
 * a new trace id when it sent none, and nothing is done when the answer is sent.
 */
export function registerTracingHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done) => {
    const active = context.active();
    if (!spansRecorded()) {
      const extracted =
        request.headers.traceparent === undefined
          ? active
          : extractTraceContext(request.headers, active);
      const caller = trace.getSpan(extracted);
      if (caller && extracted !== active && isSpanContextValid(caller.spanContext())) {
        traces.set(request.raw, { span: caller, ctx: extracted });
      } else {
        const span = newUnrecordedSpan();
        traces.set(request.raw, { span, ctx: trace.setSpan(active, span) });
      }
      return done();
    }
    const parent = extractTraceContext(request.headers, active);
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
    if (entry && entry.span.isRecording()) {
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
