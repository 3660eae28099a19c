import type { BaseSettings } from '../provider-definition';

/**
 * GEP Quantum (LEO invoice interface) shapes, as specs/gep-quantum-remittance-details.txt gives
 * them. Note `sourceSystemName` is spelled correctly here (unlike GEP SMART's `sourceSytemName`)
 * and the answer spells `documentURL`. GEP binds and answers keys case-insensitively.
 */

export const GEP_QUANTUM_PATHS = {
  remittance: '/leo-invoice-interface/api/v1/RemittanceDetails',
} as const;

export interface QuantumComments {
  commentText?: string;
}

/** One element of the `PUT .../RemittanceDetails` body (a top-level JSON array). */
export interface QuantumRemittanceDetail {
  documentNumber?: string;
  supplierInvoiceNumber?: string;
  clientSupplierCode?: string;
  sourceSystemName?: string;
  batchId?: string;
  paymentReferenceNumber: string;
  paymentRemittanceId: string;
  paymentMethod?: string;
  /** ISO-8601, e.g. `2021-11-01T00:00:00Z` */
  paymentDate: string;
  /** Typed int in GEP's request doc, decimal in its answer: decimals are sent. */
  grossAmount?: number;
  netAmount?: number;
  discountAmount?: number;
  adjustmentAmount?: number;
  currency?: string;
  statusInfo: string;
  comments?: QuantumComments;
}

export type QuantumRemittanceRequest = QuantumRemittanceDetail[];

/** An element of `errors` / `success` in a detail. */
export interface QuantumResultEntry {
  documentNumber: string | null;
  documentStatus: string | null;
  interfaceStatus: string | null;
  /** Null in errors; the document's URL in successes. */
  documentURL: string | null;
  errorCode: string | null;
  errorDescription: string | null;
}

/** An element of `errorDetails` / `successDetails`: the item sent, echoed, with its results. */
export interface QuantumDetail {
  errors: QuantumResultEntry[];
  success: QuantumResultEntry[];
  paymentReferenceNumber: string | null;
  paymentRemittanceId: string | null;
  paymentMethod: string | null;
  paymentDate: string | null;
  grossAmount: number | null;
  netAmount: number | null;
  discountAmount: number | null;
  adjustmentAmount: number | null;
  currency: string | null;
  statusInfo: string | null;
  comments: QuantumComments | null;
  batchId: string | null;
  documentNumber: string | null;
  clientSupplierCode: string | null;
  sourceSystemName: string | null;
  supplierInvoiceNumber: string | null;
}

export interface QuantumReturnValue {
  errorDetails: QuantumDetail[];
  successDetails: QuantumDetail[];
}

/** The answer. `isSuccess` is false as soon as one item failed; `returnValue` still reports all. */
export interface QuantumAnswer {
  returnValue: QuantumReturnValue | null;
  isSuccess: boolean;
  errors: string | null;
  exception: unknown;
  errorMessage: string | null;
  errorCode: string | null;
  /** e.g. `0HN52BAMD1GUV:00000001` */
  correlationId: string;
}

/** `GET <token-url>` answer (camelCase; `expires` in MINUTES). */
export interface QuantumTokenAnswer {
  expires: number;
  token: string;
  statusCode: number;
  errorMessage: string;
}

/** Its settings, read by its definition from `GEP_QUANTUM_*` variables. */
export interface GepQuantumSettings extends BaseSettings {
  tokenUrl?: string;
  authKey?: string;
  subscriptionKey?: string;
}
