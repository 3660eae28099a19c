import type {
  CanonicalCreditNote,
  CanonicalInvoice,
  CanonicalTaxes,
  CreditNoteResult,
  InvoiceResult,
} from '../provider.contract';
import type {
  DmsCreditNoteAnswer,
  DmsCreditNoteRequest,
  DmsInvoiceAnswer,
  DmsInvoiceRequest,
  DmsTaxDetails,
} from './dms.types';

/**
 * Pure canonical <-> DMS mapping (docs/upstreams.md, "Dealer DMS"). No I/O, no validation: the rules in
 * `dms.rules.ts` run first; whatever reaches here is mapped field by field.
 */

/** Status the gateway records for a document DMS generated. */
export const DMS_ISSUED = 'issued';

const cents = (value: number): number => Math.round(value * 100) / 100;

/** `taxes.cgst/sgst/igst/total` -> `tax_details`; an absent part is 0, an absent total the sum. */
export function toDmsTaxDetails(taxes: CanonicalTaxes): DmsTaxDetails {
  const cgst = taxes.cgst ?? 0;
  const sgst = taxes.sgst ?? 0;
  const igst = taxes.igst ?? 0;
  return { cgst, sgst, igst, total_tax: taxes.total ?? cents(cgst + sgst + igst) };
}

/**
 * Canonical invoice -> `POST /api/invoices/generate` body. `passThrough` is merged in first, so
 * it can add fields DMS knows but the canonical model does not, never replace a mapped one.
 */
export function toDmsInvoiceRequest(invoice: CanonicalInvoice): DmsInvoiceRequest {
  const mapped: DmsInvoiceRequest = {
    request_number: invoice.reference,
    dealer_code: invoice.party?.code ?? '',
    dealer_name: invoice.party?.name ?? '',
    amount: invoice.amount,
    description: invoice.description ?? '',
  };
  if (invoice.internalOrderNumber !== undefined) mapped.io_number = invoice.internalOrderNumber;
  if (invoice.taxes !== undefined) mapped.tax_details = toDmsTaxDetails(invoice.taxes);
  return { ...(invoice.passThrough ?? {}), ...mapped };
}

/** The DMS e-invoice answer -> the gateway's invoice result (the upstream ids are kept). */
export function fromDmsInvoiceAnswer(answer: DmsInvoiceAnswer): InvoiceResult {
  return {
    providerInvoiceId: answer.e_invoice_number,
    providerDocumentNumber: answer.dms_number,
    status: DMS_ISSUED,
    issuedAt: answer.invoice_date,
    documentUrl: answer.invoice_url,
    raw: answer,
  };
}

/** Canonical credit note -> `POST /api/credit-notes/generate` body. */
export function toDmsCreditNoteRequest(creditNote: CanonicalCreditNote): DmsCreditNoteRequest {
  const body: DmsCreditNoteRequest = {
    request_number: creditNote.reference,
    e_invoice_number: creditNote.providerInvoiceId,
    dealer_code: creditNote.party.code,
    dealer_name: creditNote.party.name,
    amount: creditNote.amount,
    reason: creditNote.reason,
  };
  if (creditNote.description !== undefined) body.description = creditNote.description;
  return body;
}

/** The DMS credit-note answer -> the gateway's credit-note result. */
export function fromDmsCreditNoteAnswer(answer: DmsCreditNoteAnswer): CreditNoteResult {
  return {
    providerCreditNoteId: answer.credit_note_number,
    status: DMS_ISSUED,
    issuedAt: answer.credit_note_date,
    amount: answer.credit_note_amount,
    documentUrl: answer.credit_note_url,
    raw: answer,
  };
}
