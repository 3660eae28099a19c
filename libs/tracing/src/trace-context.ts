import { randomFillSync } from 'node:crypto';
import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  isSpanContextValid,
  trace,
  type Link,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C Trace Context for the gateway's inbound requests and outbound calls. Only the
 * OpenTelemetry API is used here: when no tracer provider is registered (export off), the
 * tracer is the API's no-op one, spans are non-recording and cost an object allocation; the
 * trace id is still continued (or started) so that log lines, audit rows and the upstreams see it.
 */
const W3C = new W3CTraceContextPropagator();

/**
 * Whether spans are recorded (a tracer provider is registered: the process exports them). When
 * not, the helpers below make no span objects and no contexts of their own: the caller's (or the
 * request's) trace context is used as it is, so only trace ids travel (logs, audit rows,
 * outbound traceparent).
 */
let recording = false;

/** Called by the process's tracing start-up: true once an SDK records and exports spans. */
export function setSpansRecorded(on: boolean): void {
  recording = on;
}

export function spansRecorded(): boolean {
  return recording;
}

/** The span active in `ctx` when it carries a valid trace (recorded or not). */
function activeValidSpan(ctx: Context): Span | undefined {
  const span = trace.getSpan(ctx);
  return span && isSpanContextValid(span.spanContext()) ? span : undefined;
}

/**
 * A new trace's root span context, not recorded: random ids (not sampled). For a request or a
 * delivery that has no trace of its own while nothing is exported.
 */
export function newUnrecordedSpan(): Span {
  return trace.wrapSpanContext({
    traceId: randomHex(16),
    spanId: randomHex(8),
    traceFlags: TraceFlags.NONE,
  });
}

/** The tracer instrumentation scope of the gateway's spans. */
export const TRACER_NAME = 'invoice-gateway';

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** The caller's trace context (traceparent, tracestate), or the root context without one. */
export function extractTraceContext(
  headers: Record<string, string | string[] | undefined>,
  parent: Context = context.active(),
): Context {
  return W3C.extract(parent, headers, defaultTextMapGetter);
}

/** Writes traceparent (and tracestate) of the span active in `ctx` into outbound headers. */
export function injectTraceContext(ctx: Context, headers: Record<string, string>): void {
  W3C.inject(ctx, headers, defaultTextMapSetter);
}

/**
 * Random ids from a pool refilled 4 KiB at a time: a trace and two span ids per request would
 * otherwise be three calls into the system's random source.
 */
const ID_POOL = Buffer.alloc(4096);
let idOffset = ID_POOL.length;

function randomHex(bytes: number): string {
  if (idOffset + bytes > ID_POOL.length) {
    randomFillSync(ID_POOL);
    idOffset = 0;
  }
  const hex = ID_POOL.toString('hex', idOffset, idOffset + bytes);
  idOffset += bytes;
  return hex;
}

/**
 * Starts a span under `parent`. With a registered SDK it records (its sampler decides); without
 * one it is a non-recording span carrying the parent's ids, and, when there is no parent, new
 * random ids (not sampled): a new trace is started even when nothing is exported.
 */
export function startSpan(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent: Context,
  startTime?: number,
): Span {
  if (!recording) return activeValidSpan(parent) ?? newUnrecordedSpan();
  const span = tracer().startSpan(name, { kind, attributes, startTime }, parent);
  if (isSpanContextValid(span.spanContext())) return span;
  return newUnrecordedSpan();
}

/** The trace id of the span active in `ctx`, if any. */
export function traceIdOf(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** Ends a span; an error (or a message) marks it failed. */
export function endSpan(span: Span, error?: { type?: string; message?: string }): void {
  if (error) {
    if (error.type) span.setAttribute('error.type', error.type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}

/**
 * One outbound HTTP attempt (an upstream call or a token request): a client span under the
 * active context, its traceparent written into `headers`, and `run` called with the span active
 * (so that a token request made while preparing the attempt is its child).
 */
export async function withClientSpan<T>(
  name: string,
  attributes: Attributes,
  headers: Record<string, string>,
  run: (span: Span) => Promise<T>,
): Promise<T> {
  if (!recording) {
    // nothing recorded: the attempt carries the active trace's context as it is
    const active = context.active();
    const current = activeValidSpan(active);
    if (current) {
      injectTraceContext(active, headers);
      return run(current);
    }
  }
  const span = startSpan(name, SpanKind.CLIENT, attributes, context.active());
  const ctx = trace.setSpan(context.active(), span);
  injectTraceContext(ctx, headers);
  return context.with(ctx, () => run(span));
}

/**
 * Runs `run` inside the active trace, or, when there is none (a queued operation run by the
 * worker, a CLI command), inside a new root span named `name`: every attempt of one call then
 * shares one trace.
 */
export async function inTrace<T>(
  name: string,
  attributes: Attributes,
  run: () => Promise<T>,
): Promise<T> {
  if (traceIdOf() !== undefined) return run();
  const span = startSpan(name, SpanKind.INTERNAL, attributes, context.active());
  try {
    const result = await context.with(trace.setSpan(context.active(), span), run);
    endSpan(span);
    return result;
  } catch (err) {
    endSpan(span, {
      type: (err as { code?: string } | undefined)?.code ?? 'INTERNAL',
      message: err instanceof Error ? err.message : undefined,
    });
    throw err;
  }
}

/** The W3C `traceparent` of the span active in `ctx`, to keep with work done later (a queued operation). */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  injectTraceContext(ctx, carrier);
  return carrier.traceparent;
}

/**
 * Runs `run` in a span of its own. `linkedTo` (a stored `traceparent`) makes it the root of a new
 * trace with a link to that one: a queued operation's delivery, linked to the request that
 * accepted it. Without it the span is a child of the active one. Failures end the span failed.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  run: (span: Span) => Promise<T>,
  linkedTo?: string | null,
): Promise<T> {
  let span: Span;
  if (linkedTo !== undefined) {
    const links = linksTo([linkedTo]);
    span = tracer().startSpan(
      name,
      { kind: SpanKind.INTERNAL, attributes, links, root: true },
      ROOT_CONTEXT,
    );
    if (!isSpanContextValid(span.spanContext())) {
      span = startSpan(name, SpanKind.INTERNAL, attributes, ROOT_CONTEXT);
    }
  } else {
    const current = recording ? undefined : activeValidSpan(context.active());
    // nothing recorded and a trace active: no span of its own, run in the active context
    if (current) return run(current);
    span = startSpan(name, SpanKind.INTERNAL, attributes, context.active());
  }
  try {
    const result = await context.with(trace.setSpan(context.active(), span), () => run(span));
    endSpan(span);
    return result;
  } catch (err) {
    endSpan(span, {
      type: (err as { code?: string } | undefined)?.code ?? 'INTERNAL',
      message: err instanceof Error ? err.message : undefined,
    });
    throw err;
  }
}

/** Links to the traces that stored `traceparent`s name (invalid or missing ones are skipped). */
function linksTo(traceparents: readonly (string | null | undefined)[]): Link[] {
  const links: Link[] = [];
  for (const traceparent of traceparents) {
    if (!traceparent) continue;
    const linked = trace.getSpanContext(extractTraceContext({ traceparent }, ROOT_CONTEXT));
    if (linked && isSpanContextValid(linked)) links.push({ context: linked });
  }
  return links;
}

/**
 * Records a root span for work that already happened (from `startTime`, epoch ms, to now),
 * linked to the traces `linkedTo` names: for a step worth a span only when it did something (a
 * queue claim that took rows, linked to the requests that accepted them).
 */
export function recordSpan(
  name: string,
  attributes: Attributes,
  startTime: number,
  linkedTo: readonly (string | null | undefined)[] = [],
): void {
  if (!recording) return;
  tracer()
    .startSpan(
      name,
      { kind: SpanKind.INTERNAL, attributes, startTime, links: linksTo(linkedTo), root: true },
      ROOT_CONTEXT,
    )
    .end();
}

export { SpanKind, type Span, type Context };
