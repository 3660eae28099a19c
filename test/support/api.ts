import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ProviderEndpoints } from '../../src/providers/provider-endpoints';
import type { ProviderId } from '../../src/providers/provider-ids';
import { TEST_BOOTSTRAP_KEY, type TestApp } from './test-app';

export const auth = { authorization: `Bearer ${TEST_BOOTSTRAP_KEY}` };

/** A reference no earlier run used (the real-Postgres pass keeps rows between runs). */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export function dmsInvoice(overrides: Record<string, unknown> = {}) {
  return {
    provider: 'dms',
    reference: unique('REQ'),
    party: { code: 'DLR001', name: 'ABC Motors' },
    amount: 150000.0,
    currency: 'INR',
    description: 'E-Invoice for claim request',
    internalOrderNumber: 'IO-2025-001',
    taxes: { cgst: 0, sgst: 0, igst: 0, total: 0 },
    ...overrides,
  };
}

export function dsInvoice(overrides: Record<string, unknown> = {}) {
  return {
    provider: 'delivery-solutions',
    reference: unique('ORDER'),
    brand: 'brand-123',
    location: 'store-9',
    issuedAt: '2025-12-17T10:30:00Z',
    timeZone: 'America/New_York',
    amount: 42.5,
    party: { name: 'Jane Doe', email: 'jane@example.com', phone: '+14155550123' },
    order: { status: 'DELIVERED', type: 'delivery', deliveryCharge: 5, tips: 2 },
    shipTo: {
      street1: '123 Main St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      countryCode: 'US',
    },
    lines: [{ sku: 'SKU-1', title: 'T-shirt', quantity: 2, price: 19.99 }],
    ...overrides,
  };
}

/** The in-process simulator URL of a mocked provider. */
export function simulatorUrl(t: TestApp, id: ProviderId): string {
  const url = t.app.get(ProviderEndpoints).simulatorUrl(id);
  if (!url) throw new Error(`${id} is not mocked`);
  return url;
}

export async function injectFault(baseUrl: string, fault: Record<string, unknown>): Promise<void> {
  await request(baseUrl)
    .post('/__sim/faults')
    .send(fault)
    .expect((res) => {
      if (res.status >= 300) throw new Error(`fault not accepted: ${res.status} ${res.text}`);
    });
}

export async function clearFaults(baseUrl: string): Promise<void> {
  await request(baseUrl).delete('/__sim/faults');
}

/** Audit rows of one request id (flushes the writer first). */
export async function auditRows(t: TestApp, requestId: string, direction?: 'inbound' | 'outbound') {
  await t.flushAudit();
  const res = await request(t.url)
    .get(
      `/v1/audit-logs?requestId=${encodeURIComponent(requestId)}${direction ? `&direction=${direction}` : ''}&limit=100`,
    )
    .set(auth)
    .expect(200);
  return res.body.items as Record<string, unknown>[];
}

/** An invoice status update (GEP SMART) with the fields every one needs. */
export function statusItem(documentNumber: string, change: Record<string, unknown> = {}) {
  return {
    documentNumber,
    status: 'ReadyForPayment',
    invoiceDate: '2026-01-15T10:00:00.000Z',
    partnerCode: 'PC-1',
    ...change,
  };
}
