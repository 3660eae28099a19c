import type { RemittanceBatchCommand, InvoiceStatusBatchCommand } from './commands';
import { batchWrites, documentRealm } from './documents';

describe('document writes of a batch', () => {
  it('puts GEP SMART and GEP Quantum numbers in one realm, other providers in their own', () => {
    expect(documentRealm('gep-smart')).toBe(documentRealm('gep-quantum'));
    expect(documentRealm('dms')).toBe('dms');
  });

  it('records a remittance rejected for a missing payment without failing, and not as paid', () => {
    const command = {
      kind: 'remittance.post',
      provider: 'gep-quantum',
      acceptedAt: '2026-01-01T00:00:00.000Z',
      items: [{ documentNumber: 'INV-1' }, { status: 'Paid' }],
    } as unknown as RemittanceBatchCommand;
    const writes = batchWrites(command, [
      { key: 'INV-1', status: 'rejected', errors: [{ code: 'Mandatory', message: 'payment' }] },
      { key: 'remittances[1]', status: 'rejected', errors: [] },
    ]);
    expect(writes).toEqual([
      expect.objectContaining({
        key: 'INV-1',
        kind: 'remittance_target',
        paid: false,
        summary: 'remittance ? (?, ?, paid ?) posted to gep-quantum: rejected (Mandatory)',
      }),
    ]);
  });

  it('sets the status of an accepted status item only', () => {
    const command = {
      kind: 'invoice-status.post',
      provider: 'gep-smart',
      acceptedAt: '2026-01-01T00:00:00.000Z',
      items: [
        { documentNumber: 'A', status: 'SentForPayment', partnerCode: 'P' },
        { documentNumber: 'B', status: 'Cancelled', partnerCode: 'P' },
      ],
    } as unknown as InvoiceStatusBatchCommand;
    const writes = batchWrites(command, [
      { key: 'A', status: 'accepted', errors: [] },
      { key: 'B', status: 'rejected', errors: [] },
    ]);
    expect(writes.map((w) => [w.key, w.status, w.change])).toEqual([
      ['A', 'SentForPayment', 'status_posted'],
      ['B', null, 'status_posted'],
    ]);
  });
});
