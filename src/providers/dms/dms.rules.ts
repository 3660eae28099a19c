import type {
  CanonicalCreditNote,
  CanonicalInvoice,
  CanonicalTaxes,
  ItemError,
} from '../provider.contract';

/**
 * The DMS rules the gateway can check before sending (pure). Sources: the DMS spec (required
 * fields, INR amounts, INVALID_AMOUNT for negative or badly formatted amounts), the gateway's own
 * rule that `taxes.total` equals the sum, and docs/upstreams.md, "Dealer DMS" (INR with at most 2
 * decimals; GST is either CGST + SGST in equal halves or IGST alone, never both on one invoice).
 */

const blank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';

const hasAtMost2Decimals = (value: number): boolean =>
  Math.abs(Math.round(value * 100) - value * 100) < 1e-6;

const toCents = (value: number): number => Math.round(value * 100);

function requireText(errors: ItemError[], value: unknown, path: string, upstream: string): void {
  if (blank(value)) {
    errors.push({ path, code: 'required', message: `${path} is required (DMS ${upstream})` });
  }
}

/** An INR money amount: a finite number, not negative, at most 2 decimals. */
function checkMoney(errors: ItemError[], value: unknown, path: string, required: boolean): void {
  if (value === undefined || value === null) {
    if (required) errors.push({ path, code: 'required', message: `${path} is required` });
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.push({ path, code: 'invalid', message: `${path} must be a number` });
  } else if (value < 0) {
    errors.push({ path, code: 'min', message: `${path} must not be negative` });
  } else if (!hasAtMost2Decimals(value)) {
    errors.push({ path, code: 'precision', message: `${path} must have at most 2 decimals (INR)` });
  }
}

function checkTaxes(errors: ItemError[], taxes: CanonicalTaxes): void {
  const before = errors.length;
  for (const part of ['cgst', 'sgst', 'igst', 'total'] as const) {
    checkMoney(errors, taxes[part], `taxes.${part}`, false);
  }
  if (errors.length > before) return;
  const cgst = toCents(taxes.cgst ?? 0);
  const sgst = toCents(taxes.sgst ?? 0);
  const igst = toCents(taxes.igst ?? 0);
  if (igst > 0 && (cgst > 0 || sgst > 0)) {
    errors.push({
      path: 'taxes.igst',
      code: 'conflict',
      message: 'IGST (inter-state) cannot be combined with CGST/SGST (intra-state) on one invoice',
    });
  } else if (cgst !== sgst) {
    errors.push({
      path: 'taxes.sgst',
      code: 'mismatch',
      message:
        'CGST and SGST are equal halves of the intra-state tax: taxes.sgst must equal taxes.cgst',
    });
  }
  if (taxes.total !== undefined && toCents(taxes.total) !== cgst + sgst + igst) {
    errors.push({
      path: 'taxes.total',
      code: 'mismatch',
      message: 'taxes.total must equal taxes.cgst + taxes.sgst + taxes.igst',
    });
  }
}

function checkCurrency(errors: ItemError[], currency: string | undefined): void {
  if (currency !== undefined && currency !== 'INR') {
    errors.push({ path: 'currency', code: 'enum', message: 'DMS accepts INR amounts only' });
  }
}

/** Rules for `POST /api/invoices/generate`; empty when the invoice can be sent. */
export function validateDmsInvoice(invoice: CanonicalInvoice): ItemError[] {
  const errors: ItemError[] = [];
  requireText(errors, invoice.reference, 'reference', 'request_number');
  requireText(errors, invoice.party?.code, 'party.code', 'dealer_code');
  requireText(errors, invoice.party?.name, 'party.name', 'dealer_name');
  checkMoney(errors, invoice.amount, 'amount', true);
  checkCurrency(errors, invoice.currency);
  requireText(errors, invoice.description, 'description', 'description');
  if (invoice.internalOrderNumber !== undefined && blank(invoice.internalOrderNumber)) {
    errors.push({
      path: 'internalOrderNumber',
      code: 'invalid',
      message: 'internalOrderNumber must not be empty when given (DMS io_number)',
    });
  }
  if (invoice.taxes !== undefined) checkTaxes(errors, invoice.taxes);
  return errors;
}

/** Rules for `POST /api/credit-notes/generate`; empty when the credit note can be sent. */
export function validateDmsCreditNote(creditNote: CanonicalCreditNote): ItemError[] {
  const errors: ItemError[] = [];
  requireText(errors, creditNote.reference, 'reference', 'request_number');
  requireText(errors, creditNote.providerInvoiceId, 'providerInvoiceId', 'e_invoice_number');
  requireText(errors, creditNote.party?.code, 'party.code', 'dealer_code');
  requireText(errors, creditNote.party?.name, 'party.name', 'dealer_name');
  checkMoney(errors, creditNote.amount, 'amount', true);
  requireText(errors, creditNote.reason, 'reason', 'reason');
  return errors;
}
