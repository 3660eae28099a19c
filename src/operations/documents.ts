import type { DocumentKind, DocumentWrite } from '../database/repositories/documents.repository';
import type { BatchItemResult, RemittanceItem } from '../providers/provider.contract';
import type { BatchCommand } from './commands';

/**
 * What an operation did to business documents (DESIGN.md section 13), as document writes for
 * the settle's transaction. Kept apart from the handlers so the settle code only calls
 * `deps.documents.record(...)`.
 */

/**
 * Providers that share one document numbering: GEP SMART's invoice and credit memo numbers are
 * the numbers GEP Quantum's remittances pay, so their documents meet on one row.
 */
const SHARED_NUMBERING: Readonly<Record<string, string>> = {
  'gep-smart': 'gep',
  'gep-quantum': 'gep',
};

/**
 * The numbering a document key belongs to: the connection's own (two DMS connections each number
 * their own references, as the ledger does), except where providers share one numbering (GEP).
 */
export function documentRealm(provider: string, connection = provider): string {
  return SHARED_NUMBERING[provider] ?? connection;
}

/** What the documents need of a ledger invoice or credit note. */
export interface LedgerDocument {
  provider: string;
  reference: string;
  status: string;
  party: Record<string, unknown> | null;
  providerInvoiceId?: string | null;
  providerDocumentNumber?: string | null;
  providerCreditNoteId?: string | null;
  /** The connection it went through (rows from before connections: the provider's env one). */
  connection?: string | null;
}

function base(provider: string, kind: DocumentKind, key: string, via?: string | null) {
  const connection = via ?? provider;
  return { realm: documentRealm(provider, connection), provider, connection, kind, key };
}

function upstreamIds(row: LedgerDocument): Record<string, string> {
  const ids: Record<string, string> = {};
  if (row.providerInvoiceId) ids.providerInvoiceId = row.providerInvoiceId;
  if (row.providerDocumentNumber) ids.providerDocumentNumber = row.providerDocumentNumber;
  if (row.providerCreditNoteId) ids.providerCreditNoteId = row.providerCreditNoteId;
  return ids;
}

function partyCode(row: LedgerDocument): string | null {
  const code = row.party?.code;
  return typeof code === 'string' && code ? code : null;
}

/** An invoice created (or recorded by an operator) or updated. */
export function invoiceWrite(
  row: LedgerDocument,
  change: 'created' | 'updated',
  how = change === 'created' ? 'created' : 'updated',
): DocumentWrite {
  const ids = upstreamIds(row);
  const number = ids.providerDocumentNumber ?? ids.providerInvoiceId;
  return {
    ...base(row.provider, 'invoice', row.reference, row.connection),
    partyCode: partyCode(row),
    providerIds: ids,
    status: row.status,
    change,
    summary: `invoice ${how} at ${row.provider}${number ? ` as ${number}` : ''}, status ${row.status}`,
  };
}

/**
 * A credit note created: its own document, and a change on its invoice's document when the
 * ledger knows the invoice.
 */
export function creditNoteWrites(
  note: LedgerDocument & { providerInvoiceId: string },
  invoice: LedgerDocument | undefined,
  how = 'created',
): DocumentWrite[] {
  const ids = upstreamIds(note);
  const summary = `credit note ${note.reference} ${how} at ${note.provider}${ids.providerCreditNoteId ? ` as ${ids.providerCreditNoteId}` : ''} for invoice ${note.providerInvoiceId}, status ${note.status}`;
  const writes: DocumentWrite[] = [
    {
      ...base(note.provider, 'credit_note', note.reference, note.connection),
      partyCode: partyCode(note),
      providerIds: ids,
      status: note.status,
      change: 'credit_note_created',
      summary,
    },
  ];
  if (invoice) {
    writes.push({
      ...base(invoice.provider, 'invoice', invoice.reference, invoice.connection),
      providerIds: upstreamIds(invoice),
      change: 'credit_note_created',
      summary,
    });
  }
  return writes;
}

function outcome(result: BatchItemResult | null | undefined): string {
  if (!result) return 'not settled';
  if (result.status === 'accepted') return 'accepted';
  const codes = result.errors.map((e) => e.code).join(', ');
  return `rejected${codes ? ` (${codes})` : ''}`;
}

/**
 * Every item of a status or remittance batch with a document number: a status posted, or a
 * remittance posted (the document paid when the upstream accepted it). `results` in input order.
 */
export function batchWrites(
  command: BatchCommand,
  results: readonly (BatchItemResult | null | undefined)[],
): DocumentWrite[] {
  const writes: DocumentWrite[] = [];
  command.items.forEach((item, index) => {
    const result = results[index];
    const accepted = result?.status === 'accepted';
    if (command.kind === 'remittance.post') {
      const remittance = command.items[index];
      const key = remittance.documentNumber || remittance.supplierInvoiceNumber;
      if (!key) return;
      // an item the provider's rules rejected may lack its payment
      const pay: Partial<RemittanceItem['payment']> = remittance.payment ?? {};
      const amount = pay.netAmount ?? pay.grossAmount;
      writes.push({
        ...base(command.provider, 'remittance_target', key, command.connection),
        partyCode: remittance.clientSupplierCode || null,
        providerIds: remittance.supplierInvoiceNumber
          ? { supplierInvoiceNumber: remittance.supplierInvoiceNumber }
          : {},
        paid: accepted,
        change: 'remittance_posted',
        summary: `remittance ${pay.remittanceId ?? '?'} (${remittance.status ?? '?'}, ${amount ?? '?'}${pay.currency ? ` ${pay.currency}` : ''}, paid ${pay.date ?? '?'}) posted to ${command.provider}: ${outcome(result)}`,
      });
      return;
    }
    // the provider's rules answer a missing field per item: any may be absent here
    const status = item as { documentNumber?: string; status?: string; partnerCode?: string };
    if (!status.documentNumber) return;
    const kind: DocumentKind = command.kind === 'invoice-status.post' ? 'invoice' : 'credit_memo';
    writes.push({
      ...base(command.provider, kind, status.documentNumber, command.connection),
      partyCode: status.partnerCode || null,
      status: accepted ? (status.status ?? null) : null,
      change: 'status_posted',
      summary: `status ${status.status ?? '?'} posted to ${command.provider}: ${outcome(result)}`,
    });
  });
  return writes;
}
