import type { ItemError, RemittanceItem } from '../provider.contract';
import { dataValidation, mandatoryField, parseIsoDateTime, present } from '../gep/gep-common';

/** GEP Quantum's documented size of `documentNumber` (String (100)). */
export const MAX_DOCUMENT_NUMBER_LENGTH = 100;

const AMOUNTS = ['grossAmount', 'netAmount', 'discountAmount', 'adjustmentAmount'] as const;

/**
 * GEP Quantum's documented RemittanceDetails rules the gateway checks before sending
 * (specs/gep-quantum-remittance-details.txt), in GEP's wording where the spec gives one. The
 * spec documents no rule on the payment date being in the past, nor on amount signs, so none
 * is applied. Rules on GEP's own data (invalid document / supplier invoice / batch id, status
 * transitions) are left to GEP.
 */
export function remittanceRules(item: RemittanceItem, _now: Date): ItemError[] {
  const errors: ItemError[] = [];
  const identifiers = [
    item.documentNumber,
    item.supplierInvoiceNumber,
    item.clientSupplierCode,
    item.batchId,
  ];
  if (!identifiers.some(present)) {
    errors.push(
      mandatoryField('documentNumber', 'Document Number or Supplier Document Number is Mandatory'),
    );
  }
  if (present(item.documentNumber) && item.documentNumber.length > MAX_DOCUMENT_NUMBER_LENGTH) {
    errors.push(
      dataValidation(
        'documentNumber',
        `Invalid Document Number: at most ${MAX_DOCUMENT_NUMBER_LENGTH} characters`,
      ),
    );
  }
  if (present(item.clientSupplierCode) && !present(item.sourceSystem)) {
    errors.push(mandatoryField('sourceSystem', 'Source System Name is Mandatory'));
  }
  if (!present(item.status)) errors.push(mandatoryField('status', 'Status is Mandatory'));

  const payment: Partial<RemittanceItem['payment']> = item.payment ?? {};
  if (!present(payment.referenceNumber)) {
    errors.push(mandatoryField('payment.referenceNumber', 'Payment reference number is Mandatory'));
  }
  if (!present(payment.remittanceId)) {
    errors.push(mandatoryField('payment.remittanceId', 'Payment remittance id is Mandatory'));
  }
  if (!present(payment.date)) {
    errors.push(mandatoryField('payment.date', 'Payment date is Mandatory'));
  } else if (parseIsoDateTime(payment.date) === undefined) {
    errors.push(dataValidation('payment.date', 'Need to pass correct format'));
  }
  for (const name of AMOUNTS) {
    const value: unknown = payment[name];
    // A non-decimal amount makes GEP refuse the whole batch, so it is caught per item here.
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      errors.push(dataValidation(`payment.${name}`, `${name} must be a decimal number`));
    }
  }
  return errors;
}
