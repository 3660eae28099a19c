import type {
  BatchItemResult,
  CanonicalComment,
  CreditMemoStatusItem,
  InvoiceStatusItem,
} from '../provider.contract';
import {
  type GepOutcome,
  arrayField,
  assignOutcomes,
  compact,
  field,
  isRecord,
  readGepErrors,
  sameKey,
  stringField,
  toGepDateTime,
} from '../gep/gep-common';
import type {
  GepBatchAnswer,
  GepComments,
  GepCreditMemoStatusModel,
  GepInvoiceStatusModel,
} from './gep-smart.types';

/** Canonical comment -> GEP `comments` object. */
export function toGepComments(comment: CanonicalComment | undefined): GepComments | undefined {
  if (!comment) return undefined;
  return compact<GepComments>({
    commentText: comment.text,
    accessType: comment.accessType,
    commentAttachment: comment.attachments?.map((a) =>
      compact({ fileName: a.fileName, fileUri: a.fileUri }),
    ),
  });
}

/** Canonical invoice status -> GEP `UpdateInvoiceStatusModel`. */
export function toGepInvoiceStatusModel(item: InvoiceStatusItem): GepInvoiceStatusModel {
  return compact<GepInvoiceStatusModel>({
    sourceSytemName: item.sourceSystem,
    documentNumber: item.documentNumber,
    documentstatusInfo: item.status,
    comments: toGepComments(item.comment),
    lob: item.lob,
    clientPartnerCode: item.partnerCode,
    invoiceDate: toGepDateTime(item.invoiceDate),
    exceptionType: item.exceptionType,
  });
}

/**
 * Canonical credit-memo status -> GEP `InterfaceCreditMemoStatus`, without the `header` block
 * (the shared-secret envelope strategy adds it from configuration). GEP's credit-memo model has
 * no exception type; `creditMemoStatusRules` rejects an item that carries one.
 */
export function toGepCreditMemoStatusModel(item: CreditMemoStatusItem): GepCreditMemoStatusModel {
  return compact<GepCreditMemoStatusModel>({
    sourceSytemName: item.sourceSystem,
    documentNumber: item.documentNumber,
    documentStatus: item.status,
    comments: toGepComments(item.comment),
    lob: item.lob,
    clientPartnerCode: item.partnerCode,
    creditMemoDate: toGepDateTime(item.creditMemoDate),
  });
}

/**
 * Reads a GEP SMART batch answer (keys case-insensitive). Undefined when the body is not one:
 * no `errorDetails` / `successDetails` arrays.
 */
export function parseGepBatchAnswer(body: unknown): GepBatchAnswer | undefined {
  if (!isRecord(body)) return undefined;
  const errorDetails = arrayField(body, 'errorDetails');
  const successDetails = arrayField(body, 'successDetails');
  if (errorDetails === undefined && successDetails === undefined) return undefined;
  const detailKey = (detail: unknown) =>
    isRecord(detail) ? stringField(detail, 'key') : undefined;
  return {
    data: field(body, 'data') ?? null,
    statusCode: stringField(body, 'statusCode') ?? '',
    errorDetails: (errorDetails ?? []).filter(isRecord).map((detail) => ({
      key: detailKey(detail) ?? '',
      errors: readGepErrors(arrayField(detail, 'errors')).map((e) => ({
        errorCode: e.code,
        errorDescription: e.message,
      })),
    })),
    successDetails: (successDetails ?? [])
      .filter(isRecord)
      .map((detail) => ({ key: detailKey(detail) ?? '' })),
  };
}

/** Whether an answer reports on at least one of the items sent (per-item details). */
export function reportsOnItems(answer: GepBatchAnswer, sentKeys: readonly string[]): boolean {
  return [...answer.errorDetails, ...answer.successDetails].some((detail) =>
    sentKeys.some((key) => sameKey(key, detail.key)),
  );
}

/**
 * GEP's answer -> one result per item sent, in the order sent. Items are matched by
 * `documentNumber` = GEP's `key` (trimmed, case-insensitive); see `assignOutcomes` for repeated
 * keys.
 */
export function toBatchItemResults(
  items: readonly { documentNumber: string }[],
  answer: GepBatchAnswer,
): BatchItemResult[] {
  const outcomes: (GepOutcome & { key: string })[] = [
    ...answer.errorDetails.map((detail) => ({
      key: detail.key,
      accepted: false,
      errors: detail.errors.map((e) => ({ code: e.errorCode, message: e.errorDescription })),
    })),
    ...answer.successDetails.map((detail) => ({ key: detail.key, accepted: true, errors: [] })),
  ];
  return assignOutcomes(
    items,
    outcomes.map(({ key: _key, ...outcome }) => outcome),
    (item, o) => sameKey(item.documentNumber, outcomes[o].key),
    (item) => item.documentNumber,
  );
}
