import { Readable } from 'node:stream';
import request from 'supertest';
import { verifyExport } from '../src/audit/chain/verify-export';
import { TracingService } from '../src/tracing/tracing.service';
import { auditRows, auth, dmsInvoice, simulatorUrl } from './support/api';
import { type StdoutCapture, captureJsonStdout } from './support/log-capture';
import { type TestApp, startTestApp } from './support/test-app';
import { hex, simRequests } from './support/tracing';

describe('tracing without an OTLP endpoint (e2e, real HTTP)', () => {
  let t: TestApp;
  let lines: string[];
  let capture: StdoutCapture;

  beforeAll(async () => {
    capture = captureJsonStdout();
    lines = capture.lines;
    t = await startTestApp({ LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await t.close();
    capture.restore();
  });

  const requestLine = async (requestId: string): Promise<Record<string, unknown>> => {
    for (let i = 0; i < 50; i++) {
      const found = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter(
          (l) =>
            (l.req as { requestId?: string } | undefined)?.requestId === requestId &&
            (l.res as { statusCode?: number } | undefined)?.statusCode !== undefined,
        );
      if (found.length > 0) return found[0];
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no request line for ${requestId}`);
  };

  /** A DMS invoice, with the caller's traceparent when given. */
  const createInvoice = (traceparent?: string) =>
    request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .set(traceparent ? { traceparent } : {})
      .send(dmsInvoice())
      .expect(201);

  it.each([
    ['no traceparent', undefined],
    ['an invalid traceparent', '00-00000000000000000000000000000000-0000000000000000-01'],
  ])(
    'starts a new trace for %s: upstream, audit rows and the request line carry its id',
    async (_label, traceparent) => {
      expect(t.app.get(TracingService).exporting).toBe(false);
      const sim = simulatorUrl(t, 'dms');
      await request(sim).delete('/__sim/requests');
      const res = await createInvoice(traceparent);
      const requestId = String(res.headers['x-request-id']);

      const seen = await simRequests(sim, '/api/invoices/generate');
      expect(seen).toHaveLength(1);
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(seen[0].traceparent ?? '');
      expect(match).not.toBeNull();
      const traceId = (match as RegExpExecArray)[1];
      expect(traceId).not.toBe('0'.repeat(32));

      const inbound = await auditRows(t, requestId, 'inbound');
      expect(inbound.map((r) => r.traceId)).toEqual([traceId]);
      const outbound = await auditRows(t, requestId, 'outbound');
      expect(outbound.map((r) => r.traceId)).toEqual([traceId]);
      expect((await requestLine(requestId)).traceId).toBe(traceId);
    },
  );

  it('continues a caller trace id into the upstream call even when nothing is exported', async () => {
    const sim = simulatorUrl(t, 'dms');
    await request(sim).delete('/__sim/requests');
    const traceId = hex(16);
    const res = await createInvoice(`00-${traceId}-${hex(8)}-01`);
    const seen = await simRequests(sim, '/api/invoices/generate');
    expect(seen.map((r) => r.traceparent?.split('-')[1])).toEqual([traceId]);
    expect((await requestLine(String(res.headers['x-request-id']))).traceId).toBe(traceId);
    const rows = await auditRows(t, String(res.headers['x-request-id']));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.traceId === traceId)).toBe(true);
  });

  it('hashes the trace id into the audit chain: the export verifies offline, and a changed trace id breaks it', async () => {
    const traceId = hex(16);
    const res = await createInvoice(`00-${traceId}-${hex(8)}-01`);
    await t.flushAudit();
    const requestId = String(res.headers['x-request-id']);
    const exported = await request(t.url)
      .get(`/v1/audit-logs/export?requestId=${requestId}`)
      .set(auth)
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => callback(null, text));
      })
      .expect(200);
    const lines = String(exported.body).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(
      lines.every((line) => (JSON.parse(line) as { traceId?: string }).traceId === traceId),
    ).toBe(true);
    expect(await verifyExport(Readable.from(lines))).toMatchObject({
      ok: true,
      rows: lines.length,
    });
    const tampered = lines.map((line, i) => (i === 0 ? line.replace(traceId, hex(16)) : line));
    expect(await verifyExport(Readable.from(tampered))).toMatchObject({
      ok: false,
      firstBreak: { code: 'hash_mismatch' },
    });
  });
});
