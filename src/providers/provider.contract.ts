import type { CircuitStateName } from '@lib/upstream-http';

/**
 * The contract every provider implements, in the gateway's canonical terms. Only a provider's
 * folder knows its upstream's field names; the gateway speaks this language. Provider ids come
 * from the provider list (src/providers/provider-list.ts, typed as `ProviderId` in provider-ids.ts);
 * here they are plain strings, so that no provider file needs the list (no import circle).
 */

export const CAPABILITIES = [
  'invoice.create',
  'invoice.update',
  'credit-note.create',
  'invoice-status.post',
  'credit-memo-status.post',
  'remittance.post',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export type ProviderMode = 'live' | 'mock';

/** The upstream call of each capability. */
export interface CapabilityCalls {
  'invoice.create': (invoice: CanonicalInvoice, ctx: CallContext) => Promise<InvoiceResult>;
  'invoice.update': (
    providerInvoiceId: string,
    update: CanonicalInvoiceUpdate,
    ctx: CallContext,
  ) => Promise<InvoiceResult>;
  'credit-note.create': (
    creditNote: CanonicalCreditNote,
    ctx: CallContext,
  ) => Promise<CreditNoteResult>;
  'invoice-status.post': (items: InvoiceStatusItem[], ctx: CallContext) => Promise<BatchResult>;
  'credit-memo-status.post': (
    items: CreditMemoStatusItem[],
    ctx: CallContext,
  ) => Promise<BatchResult>;
  'remittance.post': (items: RemittanceItem[], ctx: CallContext) => Promise<BatchResult>;
}

/** A provider's capabilities: the calls it serves, keyed by capability. */
export type ServedCapabilities = { readonly [C in Capability]?: CapabilityCalls[C] };

/** The names of the capabilities a provider serves, in the order it lists them. */
export function servedCapabilities(serves: ServedCapabilities): ReadonlySet<Capability> {
  return new Set(Object.keys(serves) as Capability[]);
}

/** Passed with every call: correlation for logs and audit rows. */
export interface CallContext {
  requestId?: string;
  operationId?: string;
  reference?: string;
  signal?: AbortSignal;
}

// ---------------------------------------------------------------- canonical documents

export interface CanonicalParty {
  code?: string;
  name?: string;
  email?: string;
  /** E.164 */
  phone?: string;
  externalId?: string;
}

export interface CanonicalTaxes {
  cgst?: number;
  sgst?: number;
  igst?: number;
  total?: number;
}

export interface CanonicalOrder {
  status?: string;
  type?: string;
  deliveryCharge?: number;
  tips?: number;
  /** ISO-8601 */
  deliveredAt?: string;
  attributes?: Record<string, unknown>;
}

export interface CanonicalAddress {
  street1?: string;
  street2?: string;
  apartmentNumber?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  countryCode?: string;
  latitude?: number;
  longitude?: number;
}

export interface CanonicalLine {
  sku?: string;
  upc?: string;
  category?: string;
  quantity: number;
  price?: number;
  salePrice?: number;
  title?: string;
  description?: string;
  image?: string;
  tags?: string[];
  attributes?: Record<string, unknown>;
  size?: string;
  weight?: number;
}

/** `POST /v1/invoices` body (docs/api.md; the mappings in docs/upstreams.md). */
export interface CanonicalInvoice {
  /** A provider id (`ProviderId`). */
  provider: string;
  reference: string;
  groupReference?: string;
  party?: CanonicalParty;
  amount: number;
  currency?: string;
  description?: string;
  internalOrderNumber?: string;
  taxes?: CanonicalTaxes;
  brand?: string;
  location?: string;
  /** ISO-8601 with zone */
  issuedAt?: string;
  /** IANA zone */
  timeZone?: string;
  order?: CanonicalOrder;
  shipTo?: CanonicalAddress;
  lines?: CanonicalLine[];
  passThrough?: Record<string, unknown>;
}

/** `PATCH /v1/invoices/{id}`: the fields to change. */
export type CanonicalInvoiceUpdate = Partial<Omit<CanonicalInvoice, 'provider'>>;

/** Something an upstream said on a success that the caller should see. */
export interface UpstreamWarning {
  code: string;
  message: string;
}

export interface InvoiceResult {
  /** The upstream succeeded "with warnings" (Delivery Solutions): passed to the caller. */
  warnings?: UpstreamWarning[];
  providerInvoiceId?: string;
  providerDocumentNumber?: string;
  status: string;
  /** ISO-8601 */
  issuedAt?: string;
  documentUrl?: string;
  /** The upstream's answer as received (secrets never appear in answers). */
  raw: unknown;
}

/** `POST /v1/credit-notes` after the gateway resolved the invoice. */
export interface CanonicalCreditNote {
  /** A provider id (`ProviderId`). */
  provider: string;
  reference: string;
  providerInvoiceId: string;
  party: { code: string; name: string };
  amount: number;
  reason: string;
  description?: string;
}

export interface CreditNoteResult {
  providerCreditNoteId?: string;
  status: string;
  issuedAt?: string;
  amount?: number;
  documentUrl?: string;
  raw: unknown;
}

// ---------------------------------------------------------------- batches

export interface CanonicalComment {
  text?: string;
  accessType?: string;
  attachments?: { fileName?: string; fileUri?: string }[];
}

export interface InvoiceStatusItem {
  documentNumber: string;
  status: string;
  /** ISO-8601 */
  invoiceDate: string;
  partnerCode: string;
  sourceSystem?: string;
  lob?: string;
  exceptionType?: string;
  comment?: CanonicalComment;
}

export interface CreditMemoStatusItem {
  documentNumber: string;
  status: string;
  /** ISO-8601 */
  creditMemoDate: string;
  partnerCode: string;
  sourceSystem?: string;
  lob?: string;
  exceptionType?: string;
  comment?: CanonicalComment;
}

export interface RemittancePayment {
  referenceNumber: string;
  remittanceId: string;
  method?: string;
  /** ISO-8601 */
  date: string;
  grossAmount?: number;
  netAmount?: number;
  discountAmount?: number;
  adjustmentAmount?: number;
  currency?: string;
}

export interface RemittanceItem {
  documentNumber?: string;
  supplierInvoiceNumber?: string;
  clientSupplierCode?: string;
  sourceSystem?: string;
  batchId?: string;
  status: string;
  payment: RemittancePayment;
  comment?: string;
}

export interface ItemError {
  code: string;
  message: string;
  /** Field path inside the item, when known (e.g. `payment.date`). */
  path?: string;
}

export interface BatchItemResult {
  key: string;
  status: 'accepted' | 'rejected';
  documentStatus?: string;
  interfaceStatus?: string;
  documentUrl?: string;
  errors: ItemError[];
  /** The upstream's own id of the call that decided this item (GEP Quantum's correlationId). */
  correlationId?: string;
  /**
   * The upstream failed this item transiently (it may succeed when sent again): the async
   * worker re-sends only such items; a sync answer reports them `rejected` with their errors.
   */
  transient?: boolean;
}

export interface BatchResult {
  /** One per item sent, in the order sent. */
  items: BatchItemResult[];
  raw: unknown;
}

export interface PreparedUpdate {
  merged: CanonicalInvoice;
  update: CanonicalInvoiceUpdate;
}

// ---------------------------------------------------------------- health

export interface ProbeResult {
  reachable: boolean;
  latencyMs: number;
  /** Why it is not reachable (never a secret). */
  error?: string;
  checkedAt: string;
}

// ---------------------------------------------------------------- the adapter

/** One upstream: the capabilities it serves, its rules, and its health. */
export interface FinanceProvider {
  /** Its definition's id (`ProviderId`). */
  readonly id: string;
  readonly displayName: string;
  readonly mode: ProviderMode;
  readonly capabilities: ReadonlySet<Capability>;

  /**
   * The capabilities it serves, each with the upstream call that does it: nothing is called
   * that a provider does not serve (no optional method to call with `!`). `capabilities` holds
   * the same names (see servedCapabilities).
   */
  readonly serves: ServedCapabilities;

  /**
   * The upstream's documented rules the gateway can check before sending, per document or
   * item. Empty when valid. Used to reject items locally without a call.
   */
  validateInvoice?(invoice: CanonicalInvoice): ItemError[];
  /** Rules for what an update sends (after `prepareInvoiceUpdate`). */
  validateInvoiceUpdate?(update: CanonicalInvoiceUpdate): ItemError[];
  /** Rules for a credit note once its invoice is resolved. */
  validateCreditNote?(creditNote: CanonicalCreditNote): ItemError[];
  validateInvoiceStatus?(item: InvoiceStatusItem, now: Date): ItemError[];
  validateCreditMemoStatus?(item: CreditMemoStatusItem, now: Date): ItemError[];
  validateRemittance?(item: RemittanceItem, now: Date): ItemError[];

  /**
   * How an update applies to the stored invoice: the invoice after it (`merged`, what the
   * ledger keeps) and what is sent upstream (`update`). Without it the changes are sent as
   * given and merged over the stored invoice.
   */
  prepareInvoiceUpdate?(
    previous: CanonicalInvoice,
    changes: CanonicalInvoiceUpdate,
  ): PreparedUpdate;
  /** The currency the ledger records for an invoice that names none (DMS: INR only). */
  readonly defaultCurrency?: string;

  /**
   * For an upstream that does not deduplicate creates (a create sent again is refused as a
   * duplicate, and the first document cannot be read back): whether an error is that "already
   * exists" answer. Absent when creates are safe to send again (DMS: by request_number).
   */
  isDuplicateCreate?(error: unknown): boolean;
  /**
   * Whether a failed create may still have reached the upstream's store (a timeout or reset
   * after sending, a 5xx): a later duplicate answer is then the operation's own lost document.
   */
  createMayHaveLanded?(error: unknown): boolean;

  /** A cheap reachability probe for /health/upstreams. */
  ping(): Promise<ProbeResult>;
  /**
   * The cheapest authenticated call (a token, or an empty request the upstream refuses for its
   * content): resolves when the credentials are accepted, else throws the upstream's error.
   */
  verify?(): Promise<void>;
  circuitState(): CircuitStateName;
  /** Releases what the provider holds (its auth strategies' resources), at shutdown. */
  close?(): void;
}
