import request from 'supertest';
import { UpstreamHttpFactory } from '@lib/upstream-http';
import { loadConfig } from '../../src/load-config';
import { ProviderEndpoints } from '../../src/providers/provider-endpoints';
import { PROVIDER_DEFINITIONS } from '../../src/providers/provider-list';
import { PROVIDER_IDS } from '../../src/providers/provider-ids';
import { buildRegistry } from '../../src/providers/providers.module';
import { auditRows, auth, dsInvoice, unique } from '../support/api';
import { startTestApp } from '../support/test-app';

/**
 * The provider list as the app builds it: every definition, built from its endpoint (mock
 * mode here) into one registry; token requests audited and counted like any upstream call.
 */
describe('provider list', () => {
  it('builds every listed provider into one registry, each from its own definition', async () => {
    const endpoints = new ProviderEndpoints(loadConfig({ NODE_ENV: 'test' }));
    const http = new UpstreamHttpFactory();
    try {
      const registry = await buildRegistry(endpoints, { http });
      expect(registry.all().map((p) => p.id)).toEqual([...PROVIDER_IDS]);
      expect(PROVIDER_IDS).toEqual(['dms', 'gep-smart', 'gep-quantum', 'delivery-solutions']);
      for (const provider of registry.all()) {
        expect(provider.mode).toBe('mock');
        expect(provider.circuitState()).toBe('closed');
        expect(endpoints.simulatorUrl(provider.id)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      }
      expect(registry.supporting('invoice.create')).toEqual(['dms', 'delivery-solutions']);
      expect(registry.supporting('invoice.update')).toEqual(['delivery-solutions']);
      expect(registry.supporting('credit-note.create')).toEqual(['dms']);
      expect(registry.supporting('remittance.post')).toEqual(['gep-quantum']);
      for (const provider of registry.all()) provider.close?.();
    } finally {
      http.onApplicationShutdown();
      await endpoints.onApplicationShutdown();
    }
  });

  it('reads each provider setting through its definition, one problem per bad variable', () => {
    const problems = (() => {
      try {
        loadConfig({
          NODE_ENV: 'test',
          DMS_BASE_URL: 'https://dms.example.com',
          GEP_QUANTUM_BASE_URL: 'https://quantum.example.com',
          DELIVERY_SOLUTIONS_TIMEOUT_MS: 'soon',
        });
        return [];
      } catch (error) {
        return (error as { problems: string[] }).problems;
      }
    })();
    expect(problems).toEqual([
      expect.stringContaining('dms has a base URL but no credentials'),
      expect.stringContaining('gep-quantum has a base URL but is missing GEP_QUANTUM_TOKEN_URL'),
      expect.stringContaining('DELIVERY_SOLUTIONS_TIMEOUT_MS="soon" is invalid'),
    ]);
    expect(PROVIDER_DEFINITIONS.map((d) => d.envPrefix)).toEqual([
      'DMS',
      'GEP_SMART',
      'GEP_QUANTUM',
      'DELIVERY_SOLUTIONS',
    ]);
  });

  it('audits and counts token requests like any other upstream call', async () => {
    const t = await startTestApp();
    const since = new Date(Date.now() - 1000).toISOString();
    const requestId = unique('token-audit');
    try {
      const res = await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .set('x-request-id', requestId)
        .send(dsInvoice())
        .expect(201);
      expect(res.body.provider).toBe('delivery-solutions');
      await t.flushAudit();
      const page = await request(t.url)
        .get(`/v1/audit-logs?provider=delivery-solutions&operation=token&limit=10&from=${since}`)
        .set(auth)
        .expect(200);
      const token = (page.body.items as Record<string, unknown>[])[0];
      expect(token).toMatchObject({
        direction: 'outbound',
        provider: 'delivery-solutions',
        operation: 'token',
        method: 'POST',
        status: 200,
        outcome: 'success',
        requestBody: null,
        responseBody: null,
      });
      expect(String(token.path)).toContain('/ent-services/security/v1/oauth/token');
      expect(JSON.stringify(page.body)).not.toContain('access_token');
      // the create itself is audited under its request id, the token request is not tied to one
      expect((await auditRows(t, requestId, 'outbound')).map((r) => r.operation)).toEqual([
        'createInvoice',
      ]);
      const metrics = await request(t.url).get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /gateway_upstream_attempts_total\{provider="delivery-solutions",connection="delivery-solutions",operation="token",outcome="success"\} [1-9]/,
      );
    } finally {
      await t.close();
    }
  });
});
