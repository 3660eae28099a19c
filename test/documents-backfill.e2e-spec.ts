import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { MIGRATIONS } from '../src/database/migrations';
import { Documents1796800000000 } from '../src/database/migrations/1796800000000-Documents';
import { createEmptyDatabase } from './support/scratch-database';

/**
 * The documents backfill on real migrations: a database migrated up to just before the
 * documents tables, holding ledger rows and operations, then migrated to the end.
 */
describe('documents backfill migration (database)', () => {
  let url: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ url, drop: cleanup } = await createEmptyDatabase('igw_docs_backfill'));
  }, 30_000);

  afterAll(async () => {
    await cleanup?.();
  });

  it('derives documents and timelines from the ledger and the operations', async () => {
    const before = MIGRATIONS.indexOf(Documents1796800000000);
    expect(before).toBeGreaterThan(0);
    const old = new DataSource({
      ...dataSourceOptions(url, 2),
      migrations: MIGRATIONS.slice(0, before),
    });
    await old.initialize();
    const invoiceOp = randomUUID();
    const updateOp = randomUUID();
    const creditOp = randomUUID();
    const statusOp = randomUUID();
    const remitOp = randomUUID();
    const invoiceId = randomUUID();
    try {
      await old.runMigrations({ transaction: 'each' });
      const op = (
        id: string,
        kind: string,
        provider: string,
        reference: string | null,
        command: object,
        result: object | null,
        status = 'succeeded',
      ) =>
        old.query(
          `INSERT INTO operations (id, client_id, kind, provider, reference, request_hash, status,
             command, result, created_at, updated_at, completed_at)
           VALUES ($1, 'client-a', $2, $3, $4, repeat('a', 64), $5, $6, $7,
             now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour')`,
          [
            id,
            kind,
            provider,
            reference,
            status,
            JSON.stringify(command),
            result && JSON.stringify(result),
          ],
        );
      await op(invoiceOp, 'invoice.create', 'dms', 'INV-1', { kind: 'invoice.create' }, {});
      await old.query(
        `INSERT INTO invoices (id, provider, reference, status, provider_invoice_id,
           provider_document_number, amount, party, content_hash, request, operation_id, created_at)
         VALUES ($1, 'dms', 'INV-1', 'created', 'DMS-77', 'DOC-77', 10, '{"code":"DEALER-9"}',
           repeat('b', 64), '{}', $2, now() - interval '2 hours')`,
        [invoiceId, updateOp],
      );
      await op(updateOp, 'invoice.update', 'dms', 'INV-1', { invoiceId }, {});
      await op(creditOp, 'credit-note.create', 'dms', 'CN-1', {}, {});
      await old.query(
        `INSERT INTO credit_notes (provider, reference, invoice_id, provider_invoice_id,
           provider_credit_note_id, status, amount, reason, party, content_hash, request,
           operation_id)
         VALUES ('dms', 'CN-1', $1, 'DMS-77', 'DMSCN-1', 'issued', 5, 'damaged',
           '{"code":"DEALER-9"}', repeat('c', 64), '{}', $2)`,
        [invoiceId, creditOp],
      );
      await op(
        statusOp,
        'invoice-status.post',
        'gep-smart',
        null,
        {
          items: [
            { documentNumber: 'GEP-100', status: 'Approved', partnerCode: 'SUP-1' },
            { documentNumber: 'GEP-101', status: 'Rejected', partnerCode: 'SUP-1' },
          ],
        },
        {
          results: [
            { key: 'GEP-100', status: 'accepted', errors: [] },
            { key: 'GEP-101', status: 'rejected', errors: [{ code: 'X' }] },
          ],
        },
      );
      await op(
        remitOp,
        'remittance.post',
        'gep-quantum',
        'GEP-100',
        {
          items: [
            {
              documentNumber: 'GEP-100',
              status: 'Paid',
              payment: {
                remittanceId: 'R-1',
                referenceNumber: 'P-1',
                date: '2026-01-01',
                netAmount: 10,
                currency: 'USD',
              },
            },
          ],
        },
        { results: [{ key: 'GEP-100', status: 'accepted', errors: [] }] },
      );
      // a failed batch touched nothing
      await op(
        randomUUID(),
        'remittance.post',
        'gep-quantum',
        'GEP-999',
        { items: [{ documentNumber: 'GEP-999', status: 'Paid', payment: {} }] },
        null,
        'failed',
      );
    } finally {
      await old.destroy();
    }

    const ds = new DataSource(dataSourceOptions(url, 2));
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      const docs: {
        key: string;
        kind: string;
        provider: string;
        last_status: string | null;
        paid: boolean;
        terms: string[];
      }[] = await ds.query(
        `SELECT key, kind, provider, last_status, paid_at IS NOT NULL AS paid, terms
           FROM documents ORDER BY key`,
      );
      expect(docs.map((d) => [d.key, d.kind, d.provider, d.last_status, d.paid])).toEqual([
        ['CN-1', 'credit_note', 'dms', 'issued', false],
        ['GEP-100', 'invoice', 'gep-smart', 'Approved', true],
        ['GEP-101', 'invoice', 'gep-smart', null, false],
        ['INV-1', 'invoice', 'dms', 'created', false],
      ]);
      expect(docs.find((d) => d.key === 'INV-1')!.terms.sort()).toEqual(
        ['DEALER-9', 'DMS-77', 'DOC-77', 'INV-1'].sort(),
      );
      const changes: {
        key: string;
        change: string;
        operation_id: string;
        client_id: string | null;
        summary: string;
      }[] = await ds.query(
        `SELECT d.key, c.change, c.operation_id, c.client_id, c.summary FROM document_changes c
           JOIN documents d ON d.id = c.document_id ORDER BY d.key, c.at, c.id`,
      );
      expect(changes.map((c) => [c.key, c.change, c.operation_id])).toEqual([
        ['CN-1', 'credit_note_created', creditOp],
        ['GEP-100', 'status_posted', statusOp],
        ['GEP-100', 'remittance_posted', remitOp],
        ['GEP-101', 'status_posted', statusOp],
        ['INV-1', 'created', invoiceOp],
        ['INV-1', 'updated', updateOp],
        ['INV-1', 'credit_note_created', creditOp],
      ]);
      expect(changes.every((c) => c.client_id === 'client-a')).toBe(true);
      expect(changes.find((c) => c.change === 'remittance_posted')!.summary).toBe(
        'remittance R-1 (Paid, 10 USD, paid 2026-01-01) posted to gep-quantum: accepted (backfilled)',
      );

      // reversible (later migrations reverted first): the backfill's down empties the tables,
      // the documents' down drops them
      const undoThrough = async (name: string) => {
        const applied = async (): Promise<string[]> =>
          (await ds.query<{ name: string }[]>('SELECT name FROM typeorm_migrations')).map(
            (r) => r.name,
          );
        while ((await applied()).includes(name)) {
          await ds.undoLastMigration({ transaction: 'each' });
        }
      };
      await undoThrough('DocumentsBackfill1796800000001');
      await expect(ds.query('SELECT count(*)::int AS n FROM documents')).resolves.toEqual([
        { n: 0 },
      ]);
      await undoThrough('Documents1796800000000');
      await expect(
        ds.query(`SELECT to_regclass('public.documents') IS NULL AS gone`),
      ).resolves.toEqual([{ gone: true }]);
    } finally {
      await ds.destroy();
    }
  }, 60_000);
});
