import { Test } from '@nestjs/testing';
import {
  type LocalServer,
  sendJson,
  startLocalServer,
} from '../../auth-strategies/test-support/local-server';
import { UPSTREAM_AUDIT_SINK } from './upstream-http.constants';
import { UpstreamHttpFactory } from './upstream-http.factory';
import { UpstreamHttpModule } from './upstream-http.module';
import type { OutboundAuditEntry, UpstreamAuditSink, UpstreamLogger } from './upstream-http.types';

describe('UpstreamHttpModule', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer((_req, res) => sendJson(res, 200, { ok: true }));
  });
  afterAll(() => server.close());

  it('gives the factory the audit sink and logger bound in forRoot', async () => {
    const entries: OutboundAuditEntry[] = [];
    const sink: UpstreamAuditSink = { record: (e) => void entries.push(e) };
    const messages: string[] = [];
    const logger: UpstreamLogger = {
      debug: (_o, m) => messages.push(m),
      warn: (_o, m) => messages.push(m),
      error: (_o, m) => messages.push(m),
    };
    const moduleRef = await Test.createTestingModule({
      imports: [
        UpstreamHttpModule.forRoot({ auditSink: { useValue: sink }, logger: { useValue: logger } }),
      ],
    }).compile();
    try {
      const factory = moduleRef.get(UpstreamHttpFactory);
      expect(moduleRef.get(UPSTREAM_AUDIT_SINK)).toBe(sink);
      const client = factory.create({ provider: 'dms', baseUrl: server.url });
      const res = await client.request({ method: 'GET', path: '/x', operation: 'ping' });
      expect(res.data).toEqual({ ok: true });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ provider: 'dms', operation: 'ping', outcome: 'success' });
      expect(messages).toContain('upstream call');
    } finally {
      await moduleRef.close();
    }
  });

  it('works without a sink or logger', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [UpstreamHttpModule] }).compile();
    try {
      const client = moduleRef
        .get(UpstreamHttpFactory)
        .create({ provider: 'p', baseUrl: server.url });
      expect((await client.request({ method: 'GET', path: '/', operation: 'ping' })).status).toBe(
        200,
      );
      expect(client.circuitState()).toBe('closed');
    } finally {
      await moduleRef.close();
    }
  });
});
