import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { Db } from '../src/database/db';
import { CreditNotesRepository } from '../src/database/repositories/credit-notes.repository';
import { IdempotencyRepository } from '../src/database/repositories/idempotency.repository';
import {
  InvoicesRepository,
  type NewInvoice,
} from '../src/database/repositories/invoices.repository';
import { OperationQueueRepository } from '../src/database/repositories/operation-queue.repository';
import type { NewOperation, OperationFinal } from '../src/database/repositories/operation-rows';

/** The ledger repositories on the test database: redacted upstream answers, taken keys. */
describe('ledger repositories (database)', () => {
  let ds: DataSource;
  let db: Db;
  let invoices: InvoicesRepository;

  beforeAll(async () => {
    ds = new DataSource(dataSourceOptions(process.env.DATABASE_URL!, 2));
    await ds.initialize();
    db = new Db(ds);
    invoices = new InvoicesRepository(db);
  });
  afterAll(async () => {
    await ds.destroy();
  });

  const row = (reference: string, upstreamResponse: unknown): NewInvoice => ({
    provider: 'dms',
    connection: 'dms',
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
    const saved = await db.tx((em) =>
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
    const first = await db.tx((em) => invoices.insertOrExisting(row(reference, {}), em));
    const second = await db.tx(async (em) => {
      const result = await invoices.insertOrExisting(row(reference, { other: true }), em);
      // the transaction is still usable after the conflict
      await em.query('SELECT 1');
      return result;
    });
    expect(second).toMatchObject({ inserted: false, row: { id: first.row.id } });
  });

  it('finds no credit note for an invoice that has none', async () => {
    const notes = new CreditNotesRepository(db);
    await expect(notes.findByInvoice('dms', `NONE-${randomUUID()}`)).resolves.toBeNull();
  });

  describe('the hot statements of an invoice create (plain SQL)', () => {
    /** The statements of an operation's row: its insert (idempotency) and the queue's. */
    let operations: Pick<IdempotencyRepository, 'insertRunning' | 'insertQueued'> &
      Pick<OperationQueueRepository, 'settleCreatedInvoice' | 'findById' | 'claimDue'>;
    beforeAll(() => {
      const keys = new IdempotencyRepository(db);
      const queue = new OperationQueueRepository(db);
      operations = {
        insertRunning: keys.insertRunning.bind(keys),
        insertQueued: keys.insertQueued.bind(keys),
        settleCreatedInvoice: queue.settleCreatedInvoice.bind(queue),
        findById: queue.findById.bind(queue),
        claimDue: queue.claimDue.bind(queue),
      };
    });

    const newOperation = (reference: string): NewOperation => ({
      clientId: 'repo-test',
      kind: 'invoice.create',
      provider: 'dms',
      reference,
      idempotencyKey: null,
      requestHash: 'b'.repeat(64),
      requestId: null,
      traceparent: null,
      command: { kind: 'invoice.create', provider: 'dms', invoice: { reference } },
      callbackUrl: null,
      expiresAt: null,
    });
    const success = (result: unknown): OperationFinal => ({
      status: 'succeeded',
      responseStatus: 201,
      result,
      lastError: null,
      releaseKey: false,
      attempt: { attempt: 1, at: new Date().toISOString(), durationMs: 1, outcome: 'succeeded' },
    });
    const ledgerRow = (reference: string, operationId: string) => ({
      ...row(reference, { token: 'abcdefghijklmnop', ok: 1 }),
      operationId,
      id: randomUUID(),
      createdAt: new Date(),
    });

    it('reads the ledger row of the reference in the insert of the operation', async () => {
      const reference = `HOT-${randomUUID()}`;
      const first = await operations.insertRunning(newOperation(reference), 60_000, true);
      expect(first?.invoice).toBeNull();
      const saved = ledgerRow(reference, first!.operation.id);
      await expect(
        operations.settleCreatedInvoice(
          { id: first!.operation.id, attempt: 1 },
          saved,
          success({ id: saved.id }),
        ),
      ).resolves.toBe('settled');
      const second = await operations.insertRunning(newOperation(reference), 60_000, true);
      expect(second?.invoice).toMatchObject({
        id: saved.id,
        reference,
        amount: 10,
        upstreamResponse: { token: '[REDACTED]', ok: 1 },
      });
      expect(second?.invoice?.createdAt.getTime()).toBe(saved.createdAt.getTime());
      const op = await operations.findById(first!.operation.id);
      expect(op).toMatchObject({
        status: 'succeeded',
        responseStatus: 201,
        result: { id: saved.id },
      });
      expect(op?.history).toHaveLength(1);
    });

    it('writes nothing for a reference taken meanwhile, or for an attempt that lost its claim', async () => {
      const reference = `HOT-${randomUUID()}`;
      const a = (await operations.insertRunning(newOperation(reference), 60_000, true))!;
      const b = (await operations.insertRunning(newOperation(reference), 60_000, true))!;
      const winner = ledgerRow(reference, a.operation.id);
      await operations.settleCreatedInvoice({ id: a.operation.id, attempt: 1 }, winner, success(1));
      const loser = ledgerRow(reference, b.operation.id);
      await expect(
        operations.settleCreatedInvoice({ id: b.operation.id, attempt: 1 }, loser, success(2)),
      ).resolves.toBe('taken');
      expect((await operations.findById(b.operation.id))?.status).toBe('running');

      const c = (await operations.insertRunning(
        newOperation(`HOT-${randomUUID()}`),
        60_000,
        true,
      ))!;
      const stale = ledgerRow(c.operation.reference!, c.operation.id);
      await expect(
        operations.settleCreatedInvoice({ id: c.operation.id, attempt: 2 }, stale, success(3)),
      ).resolves.toBe('lost');
      expect(await invoices.findByReference('dms', c.operation.reference!)).toBeNull();
    });

    it('claims due operations as whole entities in one statement', async () => {
      const queued = (await operations.insertQueued({
        ...newOperation(`HOT-${randomUUID()}`),
        provider: 'repo-test-provider',
      }))!;
      const claimed = await operations.claimDue('repo-test-provider', 5, 60_000);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toEqual(await operations.findById(queued.id));
      expect(claimed[0]).toMatchObject({ status: 'running', attempts: 1, command: queued.command });
    });
  });
});
