import type { CreditNoteEntity } from '../database/entities/credit-note.entity';
import { toCreditNoteAnswer } from './answers';

const row = (amount: number, asked: number) =>
  ({
    id: 'c1',
    provider: 'dms',
    reference: 'R',
    invoiceId: null,
    providerInvoiceId: 'E',
    providerCreditNoteId: 'CN',
    status: 'issued',
    issuedAt: null,
    amount,
    reason: 'r',
    description: null,
    party: null,
    documentUrl: null,
    mock: true,
    operationId: null,
    request: { amount: asked },
    createdAt: new Date(0),
    updatedAt: new Date(0),
  }) as unknown as CreditNoteEntity;

describe('toCreditNoteAnswer', () => {
  it('answers the stored amount and an amount_mismatch warning when the upstream issued another', () => {
    const answer = toCreditNoteAnswer(row(75000, 150000));
    expect(answer.amount).toBe(75000);
    expect(answer.warnings).toEqual([
      {
        code: 'amount_mismatch',
        message: 'dms issued the credit note for 75000, not the 150000 asked',
      },
    ]);
  });

  it('has no warnings member when the amounts agree', () => {
    expect(toCreditNoteAnswer(row(150000, 150000))).not.toHaveProperty('warnings');
  });
});
