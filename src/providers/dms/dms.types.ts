import type { BaseSettings } from '../provider-definition';

/**
 * Dealer DMS wire shapes, exactly as `dms-e-invoice-and-credit-note.txt` gives them (snake_case).
 * Only this folder knows these names.
 */

export const DMS_PATHS = {
  invoice: '/api/invoices/generate',
  creditNote: '/api/credit-notes/generate',
} as const;

/** Error codes the spec documents (the upstream may send others, e.g. `UNAUTHORIZED`). */
export const DMS_ERROR_CODES = [
  'INVALID_DEALER_CODE',
  'INVALID_AMOUNT',
  'IO_NOT_FOUND',
  'DMS_SERVICE_ERROR',
  'INVOICE_NOT_FOUND',
  'DEALER_MISMATCH',
  'CREDIT_NOTE_EXISTS',
] as const;
export type DmsDocumentedErrorCode = (typeof DMS_ERROR_CODES)[number];

/** The one code the spec describes as "DMS system unavailable or processing error". */
export const DMS_SERVICE_ERROR = 'DMS_SERVICE_ERROR';

export interface DmsTaxDetails {
  cgst: number;
  sgst: number;
  igst: number;
  total_tax: number;
}

/** `POST /api/invoices/generate` body. */
export interface DmsInvoiceRequest {
  request_number: string;
  dealer_code: string;
  dealer_name: string;
  /** INR, decimal. */
  amount: number;
  description: string;
  io_number?: string;
  tax_details?: DmsTaxDetails;
  /** Fields passed through unchanged (`passThrough`). */
  [extra: string]: unknown;
}

/** `200 OK` answer of the e-invoice call. */
export interface DmsInvoiceAnswer {
  success: true;
  e_invoice_number: string;
  dms_number: string;
  /** ISO-8601 */
  invoice_date: string;
  invoice_url: string;
}

/** `POST /api/credit-notes/generate` body. */
export interface DmsCreditNoteRequest {
  request_number: string;
  e_invoice_number: string;
  dealer_code: string;
  dealer_name: string;
  amount: number;
  reason: string;
  description?: string;
}

/** `200 OK` answer of the credit-note call. */
export interface DmsCreditNoteAnswer {
  success: true;
  credit_note_number: string;
  /** ISO-8601 */
  credit_note_date: string;
  credit_note_amount: number;
  credit_note_url: string;
}

/** Error answer (400/500, and possibly a 200 with `success: false`). */
export interface DmsErrorAnswer {
  success: false;
  error: string;
  error_code: string;
}

/** Its settings, read by its definition from `DMS_*` variables. */
export interface DmsSettings extends BaseSettings {
  apiKey?: string;
  username?: string;
  password?: string;
  /**
   * DMS_WEBHOOK_SECRET: authenticates the status webhooks DMS sends to
   * `POST /v1/inbound/dms/dms` (the HMAC key, as given). Unset: they are refused (401).
   */
  webhookSecret?: string;
}
