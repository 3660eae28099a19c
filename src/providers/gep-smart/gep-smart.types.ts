import type { BaseSettings } from '../provider-definition';

/**
 * GEP SMART interface API shapes, spelled as GEP spells them (specs/gep-smart-invoice-status.txt,
 * specs/gep-smart-credit-memo-status.txt). The misspellings are GEP's own: `sourceSytemName`,
 * `documentstatusInfo`. GEP binds keys case-insensitively; we send the camelCase of the spec.
 */

export const GEP_SMART_PATHS = {
  invoiceStatus: '/SmartInterfaceAPI/api/Invoice/InvoiceStatusdetails',
  creditMemoStatus: '/SmartInterfaceAPI/api/Invoice/CreditMemoStatusBatch',
} as const;

export interface GepCommentAttachment {
  fileName?: string;
  fileUri?: string;
}

export interface GepComments {
  commentText?: string;
  accessType?: string;
  commentAttachment?: GepCommentAttachment[];
}

/** One model of `POST .../InvoiceStatusdetails`. */
export interface GepInvoiceStatusModel {
  /** sic */
  sourceSytemName?: string;
  documentNumber: string;
  /** sic */
  documentstatusInfo: string;
  comments?: GepComments;
  lob?: string;
  clientPartnerCode: string;
  /** ISO-8601 UTC with milliseconds */
  invoiceDate: string;
  exceptionType?: string;
}

export interface GepHeaderParty {
  domain: string;
  identity: string;
}

export interface GepHeaderSender extends GepHeaderParty {
  sharedSecret: string;
  userAgent: string;
}

/** The block each credit-memo model carries; added by the shared-secret envelope strategy. */
export interface GepHeader {
  from: GepHeaderParty;
  to: GepHeaderParty;
  sender: GepHeaderSender;
}

/** One model of `POST .../CreditMemoStatusBatch`. */
export interface GepCreditMemoStatusModel {
  /** sic */
  sourceSytemName?: string;
  documentNumber: string;
  documentStatus: string;
  comments?: GepComments;
  lob?: string;
  clientPartnerCode: string;
  /** ISO-8601 UTC with milliseconds */
  creditMemoDate: string;
  /** Set by the auth strategy from configuration, never by the mapper. */
  header?: GepHeader;
}

export interface GepBatchRequest<M> {
  models: M[];
}

export interface GepError {
  errorCode: string;
  errorDescription: string;
}

export interface GepErrorDetail {
  key: string;
  errors: GepError[];
}

export interface GepSuccessDetail {
  key: string;
}

/**
 * The answer of both batch calls. `statusCode` is a STRING ("200", "400") and `data` is null.
 * HTTP 400 with per-item `errorDetails` is a processed batch in which every item failed.
 */
export interface GepBatchAnswer {
  data: unknown;
  statusCode: string;
  errorDetails: GepErrorDetail[];
  successDetails: GepSuccessDetail[];
}

/** `GET <token-url>` answer; `Expires` is in MINUTES. */
export interface GepSmartTokenAnswer {
  Expires: number;
  Token: string;
  StatusCode: number;
  ErrorMessage: string;
}

/** Its settings, read by its definition from `GEP_SMART_*` variables. */
export interface GepSmartSettings extends BaseSettings {
  tokenUrl?: string;
  authKey?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  caFile?: string;
  sharedSecret?: string;
  fromDomain: string;
  fromIdentity: string;
  toDomain: string;
  toIdentity: string;
  senderDomain: string;
  senderIdentity: string;
  userAgent: string;
  /**
   * The tenant's `isPartnerInvNoForPayment` (GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT): when true
   * (1, the default) every status item needs its client partner code ("Client partner code is
   * mandatory (if isPartnerInvNoForPayment=1)"); when false it may be left out.
   */
  partnerInvNoForPayment?: boolean;
}
