import { batchItemKey, commandIdentity, referenceOf, type Command } from './commands';

const remittances: Command = {
  kind: 'remittance.post',
  provider: 'gep-quantum',
  acceptedAt: '2026-01-01T00:00:00.000Z',
  items: [
    {
      status: 'Paid',
      supplierInvoiceNumber: 'SUP-1',
      payment: { referenceNumber: 'P', remittanceId: 'R', date: '2026-01-01' },
    },
    { status: 'Paid', payment: { referenceNumber: 'P', remittanceId: 'R', date: '2026-01-01' } },
  ],
};

describe('commands', () => {
  it('files an operation under its business reference', () => {
    expect(
      referenceOf({
        kind: 'invoice.update',
        provider: 'delivery-solutions',
        invoiceId: '0b0f4f5e-0000-4000-8000-000000000000',
        reference: 'ORDER-1',
        changes: { amount: 5 },
      }),
    ).toBe('ORDER-1');
    expect(referenceOf(remittances)).toBeNull();
    expect(referenceOf({ ...remittances, items: remittances.items.slice(0, 1) })).toBe('SUP-1');
  });

  it('keys batch items by their business key, else by position', () => {
    if (remittances.kind !== 'remittance.post') throw new Error('unexpected kind');
    expect(batchItemKey(remittances, 0)).toBe('SUP-1');
    expect(batchItemKey(remittances, 1)).toBe('remittances[1]');
  });

  it('leaves the acceptance time out of what makes two requests the same', () => {
    const later = { ...remittances, acceptedAt: '2026-01-02T00:00:00.000Z' };
    expect(commandIdentity(later)).toEqual(commandIdentity(remittances));
    expect(commandIdentity(remittances)).not.toHaveProperty('acceptedAt');
  });
});
