import type { DocumentDto, DocumentListDto, DocumentTimelineDto } from './document.dto';

const ID = '5f0c2a8e-3c1d-4c52-9e43-2f7a1b0d9e61';

const GEP_INVOICE: DocumentDto = {
  id: ID,
  connection: 'gep-smart',
  provider: 'gep-smart',
  kind: 'invoice',
  key: 'GEP-INV-100234',
  providerIds: {},
  partyCode: 'SUP-100',
  lastStatus: 'Approved',
  lastStatusAt: '2026-03-02T09:15:00.000Z',
  paidAt: '2026-03-09T14:02:11.000Z',
  createdAt: '2026-03-02T09:15:00.000Z',
  updatedAt: '2026-03-09T14:02:11.000Z',
  links: { self: `/v1/documents/${ID}`, timeline: `/v1/documents/${ID}/timeline` },
};

const DMS_INVOICE: DocumentDto = {
  ...GEP_INVOICE,
  id: '0b6e1d52-8f0a-4b1e-9a35-61c0f4e2d7a8',
  connection: 'dms',
  provider: 'dms',
  key: 'REQ-2026-001234',
  providerIds: { providerInvoiceId: 'EINV-2026-001234', providerDocumentNumber: 'DMS-2026-001234' },
  partyCode: 'DEALER-42',
  lastStatus: 'created',
  paidAt: null,
  links: {
    self: '/v1/documents/0b6e1d52-8f0a-4b1e-9a35-61c0f4e2d7a8',
    timeline: '/v1/documents/0b6e1d52-8f0a-4b1e-9a35-61c0f4e2d7a8/timeline',
  },
};

const LIST: DocumentListDto = { items: [GEP_INVOICE, DMS_INVOICE], nextCursor: null };

const TIMELINE: DocumentTimelineDto = {
  document: GEP_INVOICE,
  changes: [
    {
      id: '41',
      at: '2026-03-02T09:15:00.000Z',
      change: 'status_posted',
      summary: 'status Approved posted to gep-smart: accepted',
      operationId: '2b1c7a90-0d7e-4a57-9f5c-5d1b9f6c2e10',
      inboundId: null,
      operation: '/v1/operations/2b1c7a90-0d7e-4a57-9f5c-5d1b9f6c2e10',
    },
    {
      id: '57',
      at: '2026-03-09T14:02:11.000Z',
      change: 'remittance_posted',
      summary:
        'remittance RM-88121 (Paid, 1180 USD, paid 2026-03-09) posted to gep-quantum: accepted',
      operationId: '9d4e0c3b-5a71-4f4e-8d2a-0e6b7c1f3a52',
      inboundId: null,
      operation: '/v1/operations/9d4e0c3b-5a71-4f4e-8d2a-0e6b7c1f3a52',
    },
  ],
};

/** Response examples of the documents routes (the OpenAPI document shows them). */
export const DOCUMENT_LIST_EXAMPLES = {
  search: { summary: 'Documents found by a party code', value: LIST },
};

export const DOCUMENT_TIMELINE_EXAMPLES = {
  paid: {
    summary: 'A GEP SMART status and the GEP Quantum remittance that paid it',
    value: TIMELINE,
  },
};
