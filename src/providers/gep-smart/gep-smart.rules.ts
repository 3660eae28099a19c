import type { CreditMemoStatusItem, InvoiceStatusItem, ItemError } from '../provider.contract';
import { dataValidation, mandatoryField, parseIsoDateTime, present } from '../gep/gep-common';

/**
 * GEP SMART's documented rules the gateway checks before sending (specs/gep-smart-*.txt).
 * Messages are GEP's own wording where the spec gives one. Rules GEP can only check against
 * its own data (invalid document number, unknown partner, status value, already paid) are
 * left to GEP and come back as per-item rejections.
 */

/** The documented wording, which differs slightly between the two specs. */
const WORDING = {
  invoice: {
    dateField: 'invoiceDate',
    statusMandatory: 'There was an error in processing the Invoice Status as Type is mandatory',
    dateMandatory: 'Invoice Date is mandatory',
  },
  creditMemo: {
    dateField: 'creditMemoDate',
    statusMandatory: 'There was an error in processing the CreditMemo Status as Type is mandatory',
    dateMandatory: 'Invoice date is mandatory',
  },
} as const;

/** `status` value that requires an exception type. */
export const EXCEPTION_STATUS = 'Exception';

/** The tenant's settings the rules depend on. */
export interface GepSmartRuleOptions {
  /** `isPartnerInvNoForPayment=1`: the client partner code is mandatory (default true). */
  partnerCodeRequired?: boolean;
}

function commonRules(
  kind: keyof typeof WORDING,
  item: { documentNumber?: unknown; status?: unknown; partnerCode?: unknown },
  date: unknown,
  now: Date,
  options: GepSmartRuleOptions,
): ItemError[] {
  const words = WORDING[kind];
  const errors: ItemError[] = [];
  if (!present(item.documentNumber)) {
    errors.push(mandatoryField('documentNumber', 'Document Number is mandatory'));
  }
  if (!present(item.status)) errors.push(mandatoryField('status', words.statusMandatory));
  if ((options.partnerCodeRequired ?? true) && !present(item.partnerCode)) {
    errors.push(mandatoryField('partnerCode', 'Client partner code is mandatory'));
  }
  if (!present(date)) {
    errors.push(mandatoryField(words.dateField, words.dateMandatory));
  } else {
    const at = parseIsoDateTime(date);
    if (at === undefined) {
      errors.push(
        dataValidation(words.dateField, 'Invoice date is not a valid ISO-8601 date-time'),
      );
    } else if (at > now.getTime()) {
      errors.push(
        dataValidation(words.dateField, 'Invoice date cannot be greater than current date'),
      );
    }
  }
  return errors;
}

/** PostInvoiceStatus rules; empty when the item may be sent. */
export function invoiceStatusRules(
  item: InvoiceStatusItem,
  now: Date,
  options: GepSmartRuleOptions = {},
): ItemError[] {
  const errors = commonRules('invoice', item, item.invoiceDate, now, options);
  if (present(item.status)) {
    const isException = item.status.trim().toLowerCase() === EXCEPTION_STATUS.toLowerCase();
    const hasType = present(item.exceptionType);
    if (isException && !hasType) {
      errors.push(
        dataValidation('exceptionType', 'Exception types cannot be empty for Invoice Status'),
      );
    } else if (!isException && hasType) {
      errors.push(
        dataValidation(
          'exceptionType',
          `Exception types cannot exist for Invoice Status: (${item.status})`,
        ),
      );
    }
  }
  return errors;
}

/**
 * PostCreditMemoStatus rules; empty when the item may be sent. GEP's credit-memo model has no
 * exception type, so one given would be lost: it is refused rather than silently dropped.
 */
export function creditMemoStatusRules(
  item: CreditMemoStatusItem,
  now: Date,
  options: GepSmartRuleOptions = {},
): ItemError[] {
  const errors = commonRules('creditMemo', item, item.creditMemoDate, now, options);
  if (present(item.exceptionType)) {
    errors.push(
      dataValidation(
        'exceptionType',
        'Exception types are not part of GEP credit-memo statuses: leave exceptionType out',
      ),
    );
  }
  return errors;
}
