import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { setSpansRecorded, tracer } from '@lib/tracing';
import {
  type LocalServer,
  sendJson,
  startLocalServer,
} from '../../auth-strategies/test-support/local-server';
import { UpstreamHttpClient } from './upstream-http.client';
import type { OutboundAuditEntry } from './upstream-http.types';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

describe('UpstreamHttpClient trace propagation', () => {
  let server: LocalServer;
  let hit = 0;
  const audit: OutboundAuditEntry[] = [];
  const contextManager = new AsyncLocalStorageContextManager();
  let client: UpstreamHttpClient;

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    server = await startLocalServer((_req, res) => {
      hit += 1;
      if (hit === 1) sendJson(res, 503, { message: 'busy' });
      else sendJson(res, 200, { ok: true });
    });
    client = new UpstreamHttpClient({
      provider: 'test-upstream',
      baseUrl: server.url,
      auditSink: { record: (e) => void audit.push(e) },
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
    });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    context.disable();
  });
  beforeEach(() => {
    hit = 0;
    audit.length = 0;
    server.requests.length = 0;
  });

  it('without an SDK: continues the active trace id, or starts one when there is none', async () => {
    await client.request({ method: 'GET', path: '/a', operation: 'read' });
    const sent = server.requests.map((r) => TRACEPARENT.exec(String(r.headers.traceparent)));
    expect(sent).toHaveLength(2);
    expect(sent.every((m) => m !== null)).toBe(true);
    // no parent: the call starts one new, unsampled trace; both attempts and audit entries name it
    expect(sent.map((m) => m?.[3])).toEqual(['00', '00']);
    expect(sent[0]?.[1]).toBe(sent[1]?.[1]);
    expect(audit.map((e) => e.traceId)).toEqual(sent.map((m) => m?.[1]));

    server.requests.length = 0;
    audit.length = 0;
    hit = 1;
    const parent = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      traceState: undefined,
    });
    await context.with(trace.setSpan(context.active(), parent), () =>
      client.request({ method: 'GET', path: '/b', operation: 'read' }),
    );
    expect(String(server.requests[0].headers.traceparent)).toBe(
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    );
    expect(audit.map((e) => e.traceId)).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
  });

  it('with an SDK: one client span per attempt, children of the active span, traceparent of each', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    trace.setGlobalTracerProvider(provider);
    // what the process's tracing start-up says when it registers its SDK
    setSpansRecorded(true);
    try {
      const parent = tracer().startSpan('inbound', { kind: SpanKind.SERVER });
      await context.with(trace.setSpan(context.active(), parent), () =>
        client.request({ method: 'POST', path: '/c', operation: 'create', body: { a: 1 } }),
      );
      parent.end();
      const spans = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
      expect(spans).toHaveLength(2);
      const parentId = parent.spanContext().spanId;
      const traceId = parent.spanContext().traceId;
      for (const [i, span] of spans.entries()) {
        expect(span.parentSpanContext?.spanId).toBe(parentId);
        expect(span.spanContext().traceId).toBe(traceId);
        expect(span.attributes).toMatchObject({
          'upstream.provider': 'test-upstream',
          'upstream.operation': 'create',
          'upstream.attempt': i + 1,
          'http.request.method': 'POST',
          'http.response.status_code': i === 0 ? 503 : 200,
        });
        expect(String(server.requests[i].headers.traceparent)).toBe(
          `00-${traceId}-${span.spanContext().spanId}-01`,
        );
      }
      expect(spans[0].status.code).toBe(SpanStatusCode.ERROR);
      expect(spans[0].attributes['error.type']).toEqual(expect.any(String));
      expect(spans[1].status.code).toBe(SpanStatusCode.UNSET);
      expect(audit.map((e) => e.traceId)).toEqual([traceId, traceId]);

      // outside any trace the call is a root span, its attempts its children
      exporter.reset();
      hit = 0;
      await client.request({ method: 'GET', path: '/d', operation: 'read' });
      const finished = exporter.getFinishedSpans();
      const root = finished.find((s) => s.kind === SpanKind.INTERNAL);
      expect(root?.parentSpanContext).toBeUndefined();
      expect(root?.name).toBe('test-upstream read');
      const children = finished.filter((s) => s.kind === SpanKind.CLIENT);
      expect(children).toHaveLength(2);
      expect(
        children.every((s) => s.parentSpanContext?.spanId === root?.spanContext().spanId),
      ).toBe(true);
    } finally {
      await provider.shutdown();
      trace.disable();
      setSpansRecorded(false);
    }
  });
});
