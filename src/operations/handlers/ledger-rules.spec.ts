import type { InvoiceEntity } from '../../database/entities/invoice.entity';
import { ProblemException } from '../../problem/problem';
import type { CreditNoteCreateCommand } from '../commands';
import { checkAgainstInvoice } from './ledger-rules';

const invoice = (party: { code?: string; name?: string }) =>
  ({ amount: 100, party }) as unknown as InvoiceEntity;
const note = (code: string, name: string, amount = 40): CreditNoteCreateCommand => ({
  kind: 'credit-note.create',
  provider: 'dms',
  creditNote: { invoiceId: 'x', reference: 'CN-1', party: { code, name }, amount, reason: 'r' },
});
const errorsOf = (run: () => void) => {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ProblemException);
    expect((e as ProblemException).code).toBe('business_rule_violated');
    return (e as ProblemException).init.errors?.map((x) => `${x.path}:${x.code}`);
  }
  return [];
};

describe('checkAgainstInvoice (credit note against its ledger invoice)', () => {
  it('accepts the same dealer code and name, the name compared without case or extra spaces', () => {
    const stored = invoice({ code: 'DLR001', name: 'ABC Motors' });
    expect(errorsOf(() => checkAgainstInvoice(stored, note('DLR001', 'ABC Motors')))).toEqual([]);
    expect(errorsOf(() => checkAgainstInvoice(stored, note('DLR001', '  abc   MOTORS ')))).toEqual(
      [],
    );
  });

  it('names party.name with DEALER_MISMATCH when the code matches but the name differs (another code is one mismatch, on party.code)', () => {
    const stored = invoice({ code: 'DLR001', name: 'ABC Motors' });
    expect(errorsOf(() => checkAgainstInvoice(stored, note('DLR001', 'XYZ Motors')))).toEqual([
      'party.name:DEALER_MISMATCH',
    ]);
    expect(errorsOf(() => checkAgainstInvoice(stored, note('DLR002', 'XYZ Motors', 500)))).toEqual([
      'party.code:DEALER_MISMATCH',
      'amount:INVALID_AMOUNT',
    ]);
  });

  it('compares only what the invoice recorded (no name stored, no name check)', () => {
    expect(errorsOf(() => checkAgainstInvoice(invoice({ code: 'D1' }), note('D1', 'Any')))).toEqual(
      [],
    );
  });
});
