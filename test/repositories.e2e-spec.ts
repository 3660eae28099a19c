import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { CreditNotesRepository } from '../src/database/repositories/credit-notes.repository';
import {
  InvoicesRepository,
  type NewInvoice,
} from '../src/database/repositories/invoices.repository';

/** The ledger repositories on the test database: redacted upstream answers, taken keys. */
describe('ledger repositories (database)', () => {
  let ds: DataSource;
  let invoices: InvoicesRepository;

  beforeAll(async () => {
    ds = new DataSource(dataSourceOptions(process.env.DATABASE_URL!, 2));
    await ds.initialize();
    invoices = new InvoicesRepository(ds);
  });
  afterAll(async () => {
    await ds.destroy();
  });

  const row = (reference: string, upstreamResponse: unknown): NewInvoice => ({
    provider: 'dms',
    reference,
    status: 'issued',
    providerInvoiceId: `EINV-${reference}`,
    providerDocumentNumber: null,
    issuedAt: null,
    documentUrl: null,
    amount: 10,
    currency: 'INR',
    party: null,
    contentHash: 'a'.repeat(64),
    request: { reference },
    upstreamResponse,
    mock: true,
    operationId: null,
  });

  it('stores upstream answers redacted, as audit rows are', async () => {
    const reference = `RED-${randomUUID()}`;
    const saved = await ds.transaction((em) =>
      invoices.insertOrExisting(
        row(reference, {
          e_invoice_number: 'E1',
          access_token: 'tok-123',
          nested: { password: 'pw' },
        }),
        em,
      ),
    );
    expect(saved.inserted).toBe(true);
    const stored = await invoices.findById(saved.row.id);
    expect(stored?.upstreamResponse).toEqual({
      e_invoice_number: 'E1',
      access_token: '[REDACTED]',
      nested: { password: '[REDACTED]' },
    });
  });

  it('returns the holder of a taken reference without failing the transaction', async () => {
    const reference = `TAKEN-${randomUUID()}`;
    const first = await ds.transaction((em) => invoices.insertOrExisting(row(reference, {}), em));
    const second = await ds.transaction(async (em) => {
      const result = await invoices.insertOrExisting(row(reference, { other: true }), em);
      // the transaction is still usable after the conflict
      await em.query('SELECT 1');
      return result;
    });
    expect(second).toMatchObject({ inserted: false, row: { id: first.row.id } });
  });

  it('finds no credit note for an invoice that has none', async () => {
    const notes = new CreditNotesRepository(ds);
    await expect(notes.findByInvoice('dms', `NONE-${randomUUID()}`)).resolves.toBeNull();
  });
});
