/**
 * The curl walk-through of docs/api.md ("Try it"), as a typed client: the types come from the
 * gateway's OpenAPI document (`npm run client:types` writes api.d.ts with openapi-typescript),
 * the calls go through openapi-fetch. Run against a gateway in mock mode:
 *   GATEWAY_URL=http://127.0.0.1:3000 GATEWAY_KEY=local-dev-bootstrap-key npm run client:example
 */
import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, paths } from './api.d.ts';

type Invoice = components['schemas']['InvoiceDto'];
type Problem = components['schemas']['ProblemDetails'];

const baseUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
const key = process.env.GATEWAY_KEY ?? 'local-dev-bootstrap-key';
const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` } });
const run = randomUUID().slice(0, 8);

function fail(step: string, status: number, problem: Problem | undefined): never {
  throw new Error(`${step}: ${status} ${problem ? `${problem.code}: ${problem.detail}` : ''}`);
}

// 1. a DMS e-invoice (the spec's example), with an Idempotency-Key
const invoiceBody: components['schemas']['CreateInvoiceDto'] = {
  provider: 'dms',
  reference: `REQ-${run}`,
  party: { code: 'DLR001', name: 'ABC Motors' },
  amount: 150000.0,
  description: `E-Invoice for claim request REQ-${run}`,
  internalOrderNumber: 'IO-2025-001',
  taxes: { cgst: 0, sgst: 0, igst: 0, total: 0 },
};
const created = await client.POST('/v1/invoices', {
  params: { header: { 'Idempotency-Key': `demo-invoice-${run}` } },
  body: invoiceBody,
});
// answered inline (201) unless Prefer: respond-async asks for 202 and an operation
if (!created.data || !('providerInvoiceId' in created.data))
  fail('create invoice', created.response.status, created.error);
const invoice: Invoice = created.data;
// typed from the document: nullable fields are `string | null`
const providerInvoiceId: string | null = invoice.providerInvoiceId;
console.log(`1. invoice ${invoice.id}: ${created.response.status} ${providerInvoiceId ?? '-'}`);

// the same request again: the stored answer, marked Idempotent-Replayed
const replayed = await client.POST('/v1/invoices', {
  params: { header: { 'Idempotency-Key': `demo-invoice-${run}` } },
  body: invoiceBody,
});
if (
  replayed.response.headers.get('idempotent-replayed') !== 'true' ||
  replayed.data?.id !== invoice.id
) {
  throw new Error('the repeated request was not replayed');
}

// 2. its credit note
const creditNote = await client.POST('/v1/credit-notes', {
  body: {
    invoiceId: invoice.id,
    reference: `REQ-${run}`,
    party: { code: 'DLR001', name: 'ABC Motors' },
    amount: 150000.0,
    reason: 'Claim settlement',
  },
});
if (!creditNote.data || !('providerCreditNoteId' in creditNote.data))
  fail('create credit note', creditNote.response.status, creditNote.error);
console.log(
  `2. credit note ${creditNote.data.id}: ${creditNote.response.status} ${creditNote.data.providerCreditNoteId ?? '-'}`,
);

// 3. a status batch: one accepted, one rejected locally (future date), one rejected by GEP
const statuses = await client.POST('/v1/invoice-status-updates', {
  body: {
    updates: [
      {
        documentNumber: 'DEV_Inv070918A',
        status: 'SentForPayment',
        invoiceDate: '2019-12-14T11:47:24.534Z',
        partnerCode: 'PC-1530698055599',
      },
      {
        documentNumber: 'LATER-1',
        status: 'SentForPayment',
        invoiceDate: '2999-01-01T00:00:00Z',
        partnerCode: 'PC-1',
      },
      {
        documentNumber: 'INVALID-1',
        status: 'SentForPayment',
        invoiceDate: '2019-12-14T11:47:24.534Z',
        partnerCode: 'PC-1',
      },
    ],
  },
});
// without Prefer: respond-async the batch is answered inline (200), not 202 with an operation
if (!statuses.data || !('accepted' in statuses.data))
  fail('status batch', statuses.response.status, statuses.error);
console.log(`3. statuses: ${statuses.data.accepted} accepted, ${statuses.data.rejected} rejected`);
if (statuses.data.accepted !== 1 || statuses.data.rejected !== 2)
  throw new Error('unexpected batch result');

// 4. a remittance batch
const remittances = await client.POST('/v1/remittances', {
  body: {
    remittances: [
      {
        documentNumber: 'INV-2024-0001',
        status: 'Paid',
        payment: {
          referenceNumber: 'PAY-REF-001',
          remittanceId: 'REM-001',
          date: '2024-06-01T00:00:00Z',
          grossAmount: 1000,
        },
      },
    ],
  },
});
if (!remittances.data || !('accepted' in remittances.data))
  fail('remittances', remittances.response.status, remittances.error);
console.log(`4. remittances: ${remittances.data.accepted} accepted`);

// a bad body: the problem is typed too
const bad = await client.POST('/v1/invoices', {
  body: { provider: 'dms', reference: `REQ-${run}-bad`, amount: -1 },
});
if (bad.response.status !== 400 || bad.error?.code !== 'validation_failed') {
  throw new Error(`a bad body answered ${bad.response.status}`);
}
console.log(`   bad body: 400 ${bad.error.errors?.map((e) => e.path).join(', ') ?? ''}`);

// what happened, upstream attempts included
const audit = await client.GET('/v1/audit-logs', { params: { query: { limit: 10 } } });
if (!audit.data) fail('audit logs', audit.response.status, audit.error);
console.log(
  `5. audit: ${audit.data.items.length} rows, newest ${audit.data.items[0]?.operation ?? '-'}`,
);
