import type { BatchItemResult, RemittanceItem } from '../provider.contract';
import {
  type GepOutcome,
  arrayField,
  assignOutcomes,
  compact,
  field,
  isRecord,
  present,
  readGepErrors,
  sameKey,
  stringField,
  toGepDateTime,
} from '../gep/gep-common';
import type { QuantumRemittanceDetail } from './gep-quantum.types';

/** Canonical remittance -> one element of GEP Quantum's `RemittanceDetails` array. */
export function toQuantumRemittanceDetail(item: RemittanceItem): QuantumRemittanceDetail {
  const payment = item.payment;
  return compact<QuantumRemittanceDetail>({
    documentNumber: item.documentNumber,
    supplierInvoiceNumber: item.supplierInvoiceNumber,
    clientSupplierCode: item.clientSupplierCode,
    sourceSystemName: item.sourceSystem,
    batchId: item.batchId,
    paymentReferenceNumber: payment.referenceNumber,
    paymentRemittanceId: payment.remittanceId,
    paymentMethod: payment.method,
    paymentDate: toGepDateTime(payment.date),
    grossAmount: payment.grossAmount,
    netAmount: payment.netAmount,
    discountAmount: payment.discountAmount,
    adjustmentAmount: payment.adjustmentAmount,
    currency: payment.currency,
    statusInfo: item.status,
    comments: item.comment === undefined ? undefined : { commentText: item.comment },
  });
}

/** The identifiers GEP accepts for a remittance, in the order the result key prefers them. */
const IDENTIFIERS = [
  'documentNumber',
  'supplierInvoiceNumber',
  'clientSupplierCode',
  'batchId',
] as const;

/**
 * The result key of a remittance: its documentNumber, else supplierInvoiceNumber, else
 * clientSupplierCode, else batchId (empty when it has none).
 */
export function remittanceKey(item: RemittanceItem): string {
  for (const name of IDENTIFIERS) {
    const value = item[name];
    if (present(value)) return value;
  }
  return '';
}

/** The per-item part of a Quantum answer: `returnValue`, details kept as GEP sent them. */
export interface QuantumDetails {
  errorDetails: Record<string, unknown>[];
  successDetails: Record<string, unknown>[];
  isSuccess?: boolean;
  correlationId?: string;
}

/**
 * Reads a Quantum answer (keys case-insensitive). Undefined when it carries no per-item
 * details (`returnValue` null or without `errorDetails` / `successDetails`): a whole-request
 * failure.
 */
export function parseQuantumAnswer(body: unknown): QuantumDetails | undefined {
  if (!isRecord(body)) return undefined;
  const returnValue = field(body, 'returnValue');
  if (!isRecord(returnValue)) return undefined;
  const errorDetails = arrayField(returnValue, 'errorDetails');
  const successDetails = arrayField(returnValue, 'successDetails');
  if (errorDetails === undefined && successDetails === undefined) return undefined;
  const isSuccess = field(body, 'isSuccess');
  return compact<QuantumDetails>({
    errorDetails: (errorDetails ?? []).filter(isRecord),
    successDetails: (successDetails ?? []).filter(isRecord),
    isSuccess: typeof isSuccess === 'boolean' ? isSuccess : undefined,
    correlationId: stringField(body, 'correlationId'),
  });
}

/** Fields GEP echoes in each detail that tell which item it is about. */
const ECHOED_KEYS = [
  ...IDENTIFIERS,
  'paymentRemittanceId',
  'paymentReferenceNumber',
] as const satisfies readonly (keyof QuantumRemittanceDetail)[];

/**
 * Whether a detail is about the item sent as `sent`: every identifying field GEP echoes
 * (non-empty) equals the item's (trimmed, case-insensitive), and GEP echoes at least one.
 */
export function detailMatches(
  sent: QuantumRemittanceDetail,
  detail: Record<string, unknown>,
): boolean {
  let compared = 0;
  for (const name of ECHOED_KEYS) {
    const echoed = stringField(detail, name);
    if (!present(echoed)) continue;
    compared += 1;
    if (!sameKey(sent[name], echoed)) return false;
  }
  return compared > 0;
}

function outcomeOf(detail: Record<string, unknown>, listedAsSuccess: boolean): GepOutcome {
  const errorEntries = arrayField(detail, 'errors') ?? [];
  const successEntries = arrayField(detail, 'success') ?? [];
  const errors = readGepErrors(errorEntries);
  const accepted = listedAsSuccess && errors.length === 0;
  const entry = (accepted ? successEntries : errorEntries).find(isRecord);
  return compact<GepOutcome>({
    accepted,
    errors: accepted ? [] : errors,
    documentStatus: entry ? stringField(entry, 'documentStatus') : undefined,
    interfaceStatus: entry ? stringField(entry, 'interfaceStatus') : undefined,
    documentUrl: entry ? stringField(entry, 'documentURL') : undefined,
  });
}

/**
 * Quantum's answer -> one result per item sent, in the order sent. Items are matched by the
 * fields GEP echoes in each detail (identifiers, remittance id, payment reference); see
 * `assignOutcomes` for items that cannot be told apart.
 */
export function toRemittanceResults(
  items: readonly RemittanceItem[],
  details: QuantumDetails,
): BatchItemResult[] {
  const sent = items.map(toQuantumRemittanceDetail);
  const all = [
    ...details.errorDetails.map((detail) => ({ detail, success: false })),
    ...details.successDetails.map((detail) => ({ detail, success: true })),
  ];
  const results = assignOutcomes(
    items.map((item, index) => ({ item, index })),
    all.map(({ detail, success }) => outcomeOf(detail, success)),
    ({ index }, o) => detailMatches(sent[index], all[o].detail),
    ({ item }) => remittanceKey(item),
  );
  // GEP support asks for the call's correlationId: every item this answer decided keeps it
  const { correlationId } = details;
  return present(correlationId) ? results.map((r) => ({ ...r, correlationId })) : results;
}

/** Whether the details name at least one of the items sent. */
export function reportsOnRemittances(
  sent: readonly QuantumRemittanceDetail[],
  details: QuantumDetails,
): boolean {
  return [...details.errorDetails, ...details.successDetails].some((detail) =>
    sent.some((item) => detailMatches(item, detail)),
  );
}
