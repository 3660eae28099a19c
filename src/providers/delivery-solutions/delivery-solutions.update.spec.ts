import type { CanonicalInvoice } from '../provider.contract';
import { mergeDsInvoiceUpdate as mergeUpdate } from './delivery-solutions.rules';

const stored: CanonicalInvoice = {
  provider: 'delivery-solutions',
  reference: 'ORDER-1',
  amount: 42.5,
  brand: 'b',
  order: { status: 'DELIVERED', type: 'delivery', tips: 2 },
};

describe('mergeDsInvoiceUpdate', () => {
  it('sends value and status together when only the amount changes', () => {
    const { merged, update } = mergeUpdate(stored, { amount: 50 });
    expect(update).toEqual({
      amount: 50,
      order: { status: 'DELIVERED', type: 'delivery', tips: 2 },
    });
    expect(merged.amount).toBe(50);
  });

  it('merges order fields into the stored order and sends the stored amount with them', () => {
    const { merged, update } = mergeUpdate(stored, { order: { status: 'RETURNED' } });
    expect(merged.order).toEqual({ status: 'RETURNED', type: 'delivery', tips: 2 });
    expect(update).toEqual({
      amount: 42.5,
      order: { status: 'RETURNED', type: 'delivery', tips: 2 },
    });
  });

  it('sends other fields alone', () => {
    expect(mergeUpdate(stored, { location: 'store-2' }).update).toEqual({ location: 'store-2' });
  });
});
