import type { CreditNoteEntity } from '../database/entities/credit-note.entity';
import type { InvoiceEntity } from '../database/entities/invoice.entity';
import type { StatusChange } from '../database/entities/status-change';
import type { BatchItemResult, UpstreamWarning } from '../providers/provider.contract';

/**
 * What a succeeded operation answers (and stores as its result): plain values; the gateway's
 * DTO classes describe the same shapes for the OpenAPI document.
 */
export interface InvoiceAnswer {
  id: string;
  provider: string;
  /** The connection it was created on: its reference is unique per connection. */
  connection: string;
  reference: string;
  status: string;
  providerInvoiceId: string | null;
  providerDocumentNumber: string | null;
  issuedAt: string | null;
  documentUrl: string | null;
  amount: number;
  currency: string | null;
  party: Record<string, unknown> | null;
  mock: boolean;
  operationId: string | null;
  /** Status changes the upstream reported through its webhooks (DMS), oldest first. */
  statusHistory: StatusChange[];
  createdAt: string;
  updatedAt: string;
  /** Present when the upstream succeeded with warnings (Delivery Solutions). */
  warnings?: AnswerWarning[];
}

/** Something the upstream said that the caller should see, the answer succeeding all the same. */
export type AnswerWarning = UpstreamWarning;

export interface CreditNoteAnswer {
  id: string;
  provider: string;
  /** The connection it was created on. */
  connection: string;
  reference: string;
  invoiceId: string | null;
  providerInvoiceId: string;
  providerCreditNoteId: string | null;
  status: string;
  issuedAt: string | null;
  amount: number;
  reason: string;
  description: string | null;
  party: Record<string, unknown> | null;
  documentUrl: string | null;
  mock: boolean;
  operationId: string | null;
  /** Status changes the upstream reported through its webhooks (DMS), oldest first. */
  statusHistory: StatusChange[];
  createdAt: string;
  updatedAt: string;
  /** Present when the upstream answered something the caller did not ask for. */
  warnings?: AnswerWarning[];
}

export interface BatchAnswer {
  provider: string;
  accepted: number;
  rejected: number;
  results: BatchItemResult[];
  operationId: string;
}

export function toInvoiceAnswer(row: InvoiceEntity): InvoiceAnswer {
  return {
    id: row.id,
    provider: row.provider,
    connection: row.connection,
    reference: row.reference,
    status: row.status,
    providerInvoiceId: row.providerInvoiceId,
    providerDocumentNumber: row.providerDocumentNumber,
    issuedAt: row.issuedAt ? row.issuedAt.toISOString() : null,
    documentUrl: row.documentUrl,
    amount: row.amount,
    currency: row.currency,
    party: row.party,
    mock: row.mock,
    operationId: row.operationId,
    statusHistory: row.statusHistory ?? [],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toCreditNoteAnswer(row: CreditNoteEntity): CreditNoteAnswer {
  return {
    id: row.id,
    provider: row.provider,
    connection: row.connection,
    reference: row.reference,
    invoiceId: row.invoiceId,
    providerInvoiceId: row.providerInvoiceId,
    providerCreditNoteId: row.providerCreditNoteId,
    status: row.status,
    issuedAt: row.issuedAt ? row.issuedAt.toISOString() : null,
    amount: row.amount,
    reason: row.reason,
    description: row.description,
    party: row.party,
    documentUrl: row.documentUrl,
    mock: row.mock,
    operationId: row.operationId,
    statusHistory: row.statusHistory ?? [],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...withWarnings(creditNoteWarnings(row)),
  };
}

/**
 * The ledger keeps the amount the upstream issued (DMS's `credit_note_amount`, which "should
 * match request amount"); when it does not, the answer says so, from the stored request.
 */
function creditNoteWarnings(row: CreditNoteEntity): AnswerWarning[] {
  const asked = (row.request as { amount?: unknown } | null)?.amount;
  if (typeof asked !== 'number' || asked === row.amount) return [];
  return [
    {
      code: 'amount_mismatch',
      message: `${row.provider} issued the credit note for ${row.amount}, not the ${asked} asked`,
    },
  ];
}

/** `{ warnings }` when there is any, else nothing (the member is absent, not empty). */
export function withWarnings(warnings: AnswerWarning[]): { warnings?: AnswerWarning[] } {
  return warnings.length ? { warnings } : {};
}
