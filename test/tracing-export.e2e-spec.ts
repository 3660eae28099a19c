import request from 'supertest';
import { TracingService } from '../src/tracing/tracing.service';
import { auditRows, auth, clearFaults, dmsInvoice, injectFault, simulatorUrl } from './support/api';
import { type TestApp, startTestApp } from './support/test-app';
import {
  OtlpReceiver,
  type OtlpSpan,
  SPAN_KIND_CLIENT,
  SPAN_KIND_SERVER,
  STATUS_ERROR,
  attr,
  hex,
  simRequests,
} from './support/tracing';

describe('tracing with OTLP export (e2e, real HTTP)', () => {
  let t: TestApp;
  const receiver = new OtlpReceiver();

  beforeAll(async () => {
    const endpoint = await receiver.start();
    t = await startTestApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'gateway-under-test',
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  /** Flushes the batch processor and returns the spans of one trace. */
  const traceSpans = async (traceId: string): Promise<OtlpSpan[]> => {
    await t.app.get(TracingService).flush();
    return receiver.spans().filter((s) => s.traceId === traceId);
  };

  it('continues the caller trace: server span, one client span per attempt, traceparent upstream', async () => {
    expect(t.app.get(TracingService).exporting).toBe(true);
    const sim = simulatorUrl(t, 'dms');
    await request(sim).delete('/__sim/requests');
    await injectFault(sim, { path: '/api/invoices/generate', status: 503, count: 1 });
    const traceId = hex(16);
    const callerSpanId = hex(8);
    let res: request.Response;
    try {
      res = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('traceparent', `00-${traceId}-${callerSpanId}-01`)
        .set('tracestate', 'caller=abc')
        .send(dmsInvoice())
        .expect(201);
    } finally {
      await clearFaults(sim);
    }
    const requestId = String(res.headers['x-request-id']);

    const spans = await traceSpans(traceId);
    const servers = spans.filter((s) => s.kind === SPAN_KIND_SERVER);
    expect(servers).toHaveLength(1);
    const server = servers[0];
    expect(server.parentSpanId).toBe(callerSpanId);
    expect(server.name).toBe('POST /v1/invoices');
    expect(attr(server, 'http.request.method')).toBe('POST');
    expect(attr(server, 'http.route')).toBe('/v1/invoices');
    expect(attr(server, 'http.response.status_code')).toBe(201);
    expect(attr(server, 'gateway.request_id')).toBe(requestId);
    expect(attr(server, 'gateway.client')).toBe('bootstrap');
    expect(server.status?.code).not.toBe(STATUS_ERROR);

    const attempts = spans
      .filter((s) => s.kind === SPAN_KIND_CLIENT && attr(s, 'upstream.operation') !== 'token')
      .sort((a, b) => Number(attr(a, 'upstream.attempt')) - Number(attr(b, 'upstream.attempt')));
    expect(attempts).toHaveLength(2);
    for (const span of attempts) {
      expect(span.parentSpanId).toBe(server.spanId);
      expect(attr(span, 'upstream.provider')).toBe('dms');
      expect(attr(span, 'upstream.operation')).toEqual(expect.any(String));
    }
    expect(attempts.map((s) => attr(s, 'upstream.attempt'))).toEqual([1, 2]);
    expect(attr(attempts[0], 'http.response.status_code')).toBe(503);
    expect(attempts[0].status?.code).toBe(STATUS_ERROR);
    expect(attr(attempts[1], 'http.response.status_code')).toBe(200);
    expect(attempts[1].status?.code).not.toBe(STATUS_ERROR);

    // the simulator saw each attempt's own span as the parent, in the caller's trace (operations
    // an earlier suite left running on this worker's database are taken over by this app's
    // worker at once, in traces of their own: only this call's requests are compared)
    const seen = (await simRequests(sim, '/api/invoices/generate')).filter((r) =>
      r.traceparent?.startsWith(`00-${traceId}-`),
    );
    expect(seen.map((r) => r.traceparent)).toEqual(
      attempts.map((s) => `00-${traceId}-${s.spanId}-01`),
    );
    expect(seen.every((r) => r.tracestate === 'caller=abc')).toBe(true);

    const resource = receiver.resourceAttributes();
    expect(resource).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'gateway-under-test' },
    });
    expect(receiver.contentTypes.every((type) => type.startsWith('application/json'))).toBe(true);

    const inbound = await auditRows(t, requestId, 'inbound');
    expect(inbound.map((r) => r.traceId)).toEqual([traceId]);
    const outbound = await auditRows(t, requestId, 'outbound');
    expect(outbound).toHaveLength(2);
    expect(outbound.every((r) => r.traceId === traceId)).toBe(true);
  });

  it('keeps the accepting traceparent on a queued operation: its claim and delivery are spans linked to it, the settle a child', async () => {
    const traceId = hex(16);
    const accepted = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .set('Prefer', 'respond-async')
      .set('traceparent', `00-${traceId}-${hex(8)}-01`)
      .send(dmsInvoice())
      .expect(202);
    const operationId = String(accepted.body.id);
    let status = String(accepted.body.status);
    for (let i = 0; i < 100 && status !== 'succeeded'; i++) {
      await new Promise((done) => setTimeout(done, 100));
      const polled = await request(t.url).get(`/v1/operations/${operationId}`).set(auth);
      status = String(polled.body.status);
    }
    expect(status).toBe('succeeded');
    await t.app.get(TracingService).flush();
    const server = receiver
      .spans()
      .find((s) => s.traceId === traceId && s.kind === SPAN_KIND_SERVER);
    expect(server).toBeDefined();

    const deliveries = receiver
      .spans()
      .filter((s) => s.name === 'operation.deliver' && attr(s, 'operation.id') === operationId);
    expect(deliveries).toHaveLength(1);
    const delivery = deliveries[0];
    // a trace of its own (it ran later, maybe in another process), linked to the request's
    expect(delivery.traceId).not.toBe(traceId);
    expect(delivery.parentSpanId ?? '').toBe('');
    expect(delivery.links?.map((l) => l.traceId)).toEqual([traceId]);
    expect(attr(delivery, 'operation.attempt')).toBe(1);

    const inDelivery = receiver.spans().filter((s) => s.traceId === delivery.traceId);
    const settle = inDelivery.find((s) => s.name === 'operation.settle');
    expect(settle?.parentSpanId).toBe(delivery.spanId);
    const upstream = inDelivery.filter((s) => s.kind === SPAN_KIND_CLIENT);
    expect(upstream.length).toBeGreaterThan(0);
    expect(upstream.every((s) => s.parentSpanId === delivery.spanId)).toBe(true);

    const claims = receiver
      .spans()
      .filter((s) => s.name === 'queue.claim' && s.links?.some((l) => l.traceId === traceId));
    expect(claims).toHaveLength(1);
    expect(attr(claims[0], 'upstream.provider')).toBe('dms');
  });

  it('makes a token request a child span of the attempt that needed it', async () => {
    const sim = simulatorUrl(t, 'gep-smart');
    await request(sim).delete('/__sim/requests');
    const traceId = hex(16);
    await request(t.url)
      .post('/v1/invoice-status-updates')
      .set(auth)
      .set('traceparent', `00-${traceId}-${hex(8)}-01`)
      .send({
        updates: [
          {
            documentNumber: 'DEV_Inv070918A',
            status: 'SentForPayment',
            invoiceDate: '2019-12-14T11:47:24.534Z',
            partnerCode: 'PC-1530698055599',
          },
        ],
      })
      .expect(200);
    const spans = await traceSpans(traceId);
    const server = spans.find((s) => s.kind === SPAN_KIND_SERVER);
    const tokens = spans.filter((s) => attr(s, 'upstream.operation') === 'token');
    const attempts = spans.filter(
      (s) => s.kind === SPAN_KIND_CLIENT && attr(s, 'upstream.provider') === 'gep-smart',
    );
    expect(server).toBeDefined();
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.every((s) => s.parentSpanId === server?.spanId)).toBe(true);
    expect(tokens).toHaveLength(1);
    expect(tokens[0].kind).toBe(SPAN_KIND_CLIENT);
    expect(attempts.map((s) => s.spanId)).toContain(tokens[0].parentSpanId);
    expect(attr(tokens[0], 'http.response.status_code')).toBe(200);

    const tokenRequests = await simRequests(sim, '/token/gep');
    expect(tokenRequests.map((r) => r.traceparent)).toEqual([
      `00-${traceId}-${tokens[0].spanId}-01`,
    ]);
  });

  it('marks a failed inbound request (5xx) and its failed attempts as errors', async () => {
    const sim = simulatorUrl(t, 'dms');
    await injectFault(sim, { path: '/api/invoices/generate', status: 503, count: 10 });
    const traceId = hex(16);
    try {
      await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('traceparent', `00-${traceId}-${hex(8)}-01`)
        .send(dmsInvoice())
        .expect((r) => {
          if (r.status < 500) throw new Error(`expected a 5xx, got ${r.status}`);
        });
    } finally {
      await clearFaults(sim);
    }
    const spans = await traceSpans(traceId);
    const server = spans.find((s) => s.kind === SPAN_KIND_SERVER);
    expect(server?.status?.code).toBe(STATUS_ERROR);
    expect(attr(server as OtlpSpan, 'upstream.provider')).toBe('dms');
    const attempts = spans.filter((s) => s.kind === SPAN_KIND_CLIENT);
    expect(attempts).toHaveLength(3);
    expect(attempts.every((s) => s.status?.code === STATUS_ERROR)).toBe(true);
    expect(attempts.every((s) => attr(s, 'http.response.status_code') === 503)).toBe(true);
  });
});
