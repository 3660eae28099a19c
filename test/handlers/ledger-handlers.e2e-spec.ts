import { LostLeaseError } from '../../src/database/repositories/operation-rows';
import type {
  CreditNoteCreateCommand,
  InvoiceUpdateCommand,
  RemittanceBatchCommand,
} from '../../src/operations/commands';
import { PartialBatch } from '../../src/operations/handlers/batch.handler';
import type { BatchResult, RemittanceItem } from '../../src/providers/provider.contract';
import { fakeProvider, HandlerHarness, problemOf, unique } from './handler-harness';

/** invoice.update, credit-note.create and a batch kind against the database, fake providers. */
describe('update, credit note and batch handlers (database, fake provider)', () => {
  let h: HandlerHarness;
  beforeAll(async () => {
    h = await HandlerHarness.open();
  });
  afterAll(() => h.close());

  const dms = (extra = {}) =>
    fakeProvider(
      'dms',
      {
        'invoice.create': () =>
          Promise.resolve({ providerInvoiceId: unique('E'), status: 'issued', raw: {} }),
        'credit-note.create': () =>
          Promise.resolve({ providerCreditNoteId: unique('CN'), status: 'issued', raw: {} }),
      },
      extra,
    );
  /** A ledger invoice of dealer D1 for 100, created through the create handler. */
  const ledgerInvoice = async () => {
    const command = {
      kind: 'invoice.create' as const,
      provider: 'dms' as const,
      invoice: {
        provider: 'dms' as const,
        reference: unique('INV'),
        amount: 100,
        party: { code: 'D1' },
      },
    };
    await h.handlers(dms())['invoice.create'].run(await h.attempt(command), command);
    return (await h.invoices.findByReference('dms', command.invoice.reference))!;
  };

  describe('credit-note.create', () => {
    const note = (invoiceId: string, amount = 40, code = 'D1'): CreditNoteCreateCommand => ({
      kind: 'credit-note.create',
      provider: 'dms',
      creditNote: {
        invoiceId,
        reference: unique('CN'),
        party: { code, name: 'Dealer' },
        amount,
        reason: 'return',
      },
    });

    it('admit: the ledger rules against the invoice (422 naming each) and the provider rules (400)', async () => {
      const invoice = await ledgerInvoice();
      const broken = await problemOf(
        h.handlers(dms())['credit-note.create'].admit(note(invoice.id, 500, 'D2')),
      );
      expect(broken).toMatchObject({ status: 422, code: 'business_rule_violated' });
      expect(broken.init.errors?.map((e) => e.code)).toEqual(['DEALER_MISMATCH', 'INVALID_AMOUNT']);
      const rules = dms({
        validateCreditNote: () => [{ path: 'reason', code: 'x', message: 'no' }],
      });
      expect(
        await problemOf(h.handlers(rules)['credit-note.create'].admit(note(invoice.id))),
      ).toMatchObject({ status: 400 });
    });

    it('run: settles the credit note; the same again is answered from the ledger, another is 409', async () => {
      const invoice = await ledgerInvoice();
      const handler = h.handlers(dms())['credit-note.create'];
      const first = note(invoice.id);
      const attempt = await h.attempt(first);
      expect(await handler.run(attempt, first)).toMatchObject({ responseStatus: 201 });
      expect(await h.status(attempt.op.id)).toBe('succeeded');
      expect(await handler.run(await h.attempt(first), first)).toMatchObject({
        responseStatus: 200,
      });
      const other = note(invoice.id, 10);
      expect(await problemOf(handler.run(await h.attempt(other), other))).toMatchObject({
        status: 409,
      });
    });

    it('run: an attempt that lost its lease writes no credit note', async () => {
      const invoice = await ledgerInvoice();
      let operationId = '';
      const provider = fakeProvider('dms', {
        'credit-note.create': async () => {
          await h.takeOver(operationId);
          return { providerCreditNoteId: 'CN-LOST', status: 'issued', raw: {} };
        },
      });
      const command = note(invoice.id);
      const attempt = await h.attempt(command);
      operationId = attempt.op.id;
      await expect(
        h.handlers(provider)['credit-note.create'].run(attempt, command),
      ).rejects.toBeInstanceOf(LostLeaseError);
      expect(await h.creditNotes.findByInvoice('dms', invoice.providerInvoiceId!)).toBeNull();
    });
  });

  describe('invoice.update', () => {
    const update = (
      invoiceId: string,
      reference: string,
      amount: number,
    ): InvoiceUpdateCommand => ({
      kind: 'invoice.update',
      provider: 'dms',
      invoiceId,
      reference,
      changes: { amount },
    });
    const updater = (extra = {}) =>
      fakeProvider(
        'dms',
        {
          'invoice.update': (id) =>
            Promise.resolve({ providerInvoiceId: id, status: 'updated', raw: {} }),
        },
        extra,
      );

    it('check: an unknown invoice is 404; the provider rules run on the merge (400)', async () => {
      const invoice = await ledgerInvoice();
      const missing = update('00000000-0000-4000-8000-000000000000', 'X', 1);
      expect(await problemOf(h.handlers(updater())['invoice.update'].check(missing))).toMatchObject(
        { status: 404 },
      );
      const rules = updater({
        validateInvoice: () => [{ path: 'amount', code: 'min', message: 'low' }],
      });
      expect(
        await problemOf(
          h.handlers(rules)['invoice.update'].check(update(invoice.id, invoice.reference, 1)),
        ),
      ).toMatchObject({ status: 400 });
    });

    it('run: stores the merged invoice with the operation, or nothing once the lease is lost', async () => {
      const invoice = await ledgerInvoice();
      const handler = h.handlers(updater())['invoice.update'];
      const command = update(invoice.id, invoice.reference, 55);
      const attempt = await h.attempt(command);
      expect(await handler.run(attempt, command)).toMatchObject({
        responseStatus: 200,
        result: { amount: 55 },
      });
      expect((await h.invoices.findById(invoice.id))?.amount).toBe(55);
      const late = update(invoice.id, invoice.reference, 77);
      const lost = await h.attempt(late);
      await h.takeOver(lost.op.id);
      await expect(handler.run(lost, late)).rejects.toBeInstanceOf(LostLeaseError);
      expect((await h.invoices.findById(invoice.id))?.amount).toBe(55);
    });
  });

  describe('remittance.post (a batch kind)', () => {
    const item = (documentNumber: string): RemittanceItem => ({
      documentNumber,
      status: 'paid',
      payment: { referenceNumber: 'R1', remittanceId: 'RM1', date: '2026-01-01' },
    });
    const batch = (...items: RemittanceItem[]): RemittanceBatchCommand => ({
      kind: 'remittance.post',
      provider: 'gep-quantum',
      items,
      acceptedAt: new Date().toISOString(),
    });
    const quantum = (answer: (items: RemittanceItem[]) => BatchResult) =>
      fakeProvider(
        'gep-quantum',
        { 'remittance.post': (items) => Promise.resolve(answer(items)) },
        {
          validateRemittance: (i: RemittanceItem) =>
            i.documentNumber === 'BAD' ? [{ code: 'bad', message: 'bad' }] : [],
        },
      );
    const accept = (items: RemittanceItem[]): BatchResult => ({
      items: items.map((i) => ({ key: i.documentNumber!, status: 'accepted', errors: [] })),
      raw: null,
    });

    it('run: rejects items failing the rules without sending them, settles the rest in input order', async () => {
      const sent: string[] = [];
      const provider = quantum((items) => {
        sent.push(...items.map((i) => i.documentNumber!));
        return accept(items);
      });
      const command = batch(item('A'), item('BAD'), item('C'));
      const attempt = await h.attempt(command);
      const settled = await h.handlers(provider)['remittance.post'].run(attempt, command);
      expect(sent).toEqual(['A', 'C']);
      expect(settled.result).toMatchObject({ accepted: 2, rejected: 1 });
      expect(await h.status(attempt.op.id)).toBe('succeeded');
    });

    it('run: a worker attempt with items failed transiently keeps the settled ones (PartialBatch)', async () => {
      const provider = quantum((items) => ({
        items: items.map((i) => ({
          key: i.documentNumber!,
          status: 'rejected',
          errors: [{ code: 't', message: 'busy' }],
          transient: i.documentNumber === 'B',
        })),
        raw: null,
      }));
      const command = batch(item('A'), item('B'));
      const attempt = await h.attempt(command, { progress: null });
      await expect(
        h.handlers(provider)['remittance.post'].run(attempt, command),
      ).rejects.toBeInstanceOf(PartialBatch);
      expect(attempt.progress?.map((p) => p?.key ?? null)).toEqual(['A', null]);
    });

    it('run: an attempt that lost its lease does not end the operation', async () => {
      const command = batch(item('A'));
      const attempt = await h.attempt(command);
      await h.takeOver(attempt.op.id);
      await expect(
        h.handlers(quantum(accept))['remittance.post'].run(attempt, command),
      ).rejects.toBeInstanceOf(LostLeaseError);
      expect(await h.status(attempt.op.id)).toBe('running');
    });
  });
});
