import type { StatusChange } from '../entities/status-change';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { redact } from '@lib/redaction';
import { Db } from '../db';
import { InvoiceEntity } from '../entities/invoice.entity';
import { jsonParam, type Session, type Statement, insertUnlessTaken, statement } from '../sql';

export type NewInvoice = Omit<InvoiceEntity, 'id' | 'createdAt' | 'updatedAt' | 'statusHistory'>;
/** A whole invoice row as inserted (id and times chosen by the caller). */
export type NewInvoiceRow = NewInvoice & {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  statusHistory?: StatusChange[] | null;
};

const BY_ID = statement('invoice_by_id', 'SELECT i.* FROM invoices i WHERE i.id = $1');
const BY_REFERENCE = statement(
  'invoice_by_reference',
  'SELECT i.* FROM invoices i WHERE i.connection = $1 AND i.reference = $2',
);
const BY_PROVIDER_INVOICE_ID = statement(
  'invoice_by_provider_invoice_id',
  'SELECT i.* FROM invoices i WHERE i.connection = $1 AND i.provider_invoice_id = $2 LIMIT 1',
);
const UPDATE = statement(
  'invoice_update',
  `UPDATE invoices SET status = $2, provider_invoice_id = $3, provider_document_number = $4,
     issued_at = $5, document_url = $6, amount = $7, currency = $8, party = $9, content_hash = $10,
     request = $11, upstream_response = $12, operation_id = $13, updated_at = now()
   WHERE id = $1
   RETURNING *`,
);

/** The upstream answer of a ledger row as stored: redacted, as audit rows are. */
export function redactedRow<T extends { upstreamResponse: unknown }>(row: T): T {
  return { ...row, upstreamResponse: redact(row.upstreamResponse) };
}

/** The invoice ledger's SQL. Upstream answers are stored redacted, as audit rows are. */
@Injectable()
export class InvoicesRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => InvoiceEntity;
  private readonly insertRow: ReturnType<Db['insertOf']>;
  private readonly insert: Statement;
  private readonly lists = new Map<number, Statement>();

  constructor(private readonly db: Db) {
    this.toEntity = db.mapper(InvoiceEntity);
    this.insertRow = db.insertOf(InvoiceEntity);
    this.insert = insertUnlessTaken('invoice_insert', this.insertRow);
  }

  /** The values of a whole-row insert, in the entity's column order (see entityInsert). */
  insertValues(row: NewInvoiceRow): unknown[] {
    return this.insertRow.values(redactedRow(row));
  }

  async findById(id: string, session?: Session): Promise<InvoiceEntity | null> {
    return this.one(BY_ID, [id], session);
  }

  /**
   * The invoice holding `reference` on a connection (a reference is unique per connection). On
   * `session` when given (the database session holding the reference's lock), else the pool.
   */
  findByReference(
    connection: string,
    reference: string,
    session?: Session,
  ): Promise<InvoiceEntity | null> {
    return this.one(BY_REFERENCE, [connection, reference], session);
  }

  /** The invoice a connection's upstream knows as `providerInvoiceId`. */
  findByProviderInvoiceId(
    connection: string,
    providerInvoiceId: string,
    session?: Session,
  ): Promise<InvoiceEntity | null> {
    return this.one(BY_PROVIDER_INVOICE_ID, [connection, providerInvoiceId], session);
  }

  /** Newest first, at most `limit`. */
  async list(filter: {
    provider?: string;
    reference?: string;
    limit: number;
  }): Promise<InvoiceEntity[]> {
    const values: unknown[] = [];
    const where: string[] = [];
    let mask = 0;
    if (filter.provider) {
      mask |= 1;
      values.push(filter.provider);
      where.push(`i.provider = $${values.length}`);
    }
    if (filter.reference) {
      mask |= 2;
      values.push(filter.reference);
      where.push(`i.reference = $${values.length}`);
    }
    values.push(filter.limit);
    let st = this.lists.get(mask);
    if (!st) {
      st = statement(
        `invoice_list_${mask}`,
        `SELECT i.* FROM invoices i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY i.created_at DESC LIMIT $${values.length}`,
      );
      this.lists.set(mask, st);
    }
    return (await this.db.run(st, values)).map(this.toEntity);
  }

  /**
   * Inserts a ledger row unless (connection, reference) is taken: `inserted` false returns the
   * row that holds the reference (a concurrent create won). No unique violation escapes, so
   * the transaction stays usable.
   */
  async insertOrExisting(
    row: NewInvoice,
    session: Session,
  ): Promise<{ inserted: boolean; row: InvoiceEntity }> {
    const now = new Date();
    const full: NewInvoiceRow = { ...row, id: randomUUID(), createdAt: now, updatedAt: now };
    const rows = await this.db.run(this.insert, this.insertValues(full), session);
    if (rows[0]) return { inserted: true, row: this.toEntity(rows[0]) };
    const holder = await this.findByReference(row.connection, row.reference, session);
    if (!holder) throw new Error(`invoice reference ${row.reference} is taken by no row`);
    return { inserted: false, row: holder };
  }

  /** Saves an updated ledger row (the upstream answer redacted); answers the row as stored. */
  async save(row: InvoiceEntity, session: Session): Promise<InvoiceEntity> {
    const stored = redactedRow(row);
    const rows = await this.db.run(
      UPDATE,
      [
        stored.id,
        stored.status,
        stored.providerInvoiceId,
        stored.providerDocumentNumber,
        stored.issuedAt,
        stored.documentUrl,
        stored.amount,
        stored.currency,
        jsonParam(stored.party),
        stored.contentHash,
        jsonParam(stored.request),
        jsonParam(stored.upstreamResponse),
        stored.operationId,
      ],
      session,
    );
    if (!rows[0]) throw new Error(`invoice ${row.id} is gone`);
    return this.toEntity(rows[0]);
  }

  private async one(
    st: Statement,
    values: unknown[],
    session?: Session,
  ): Promise<InvoiceEntity | null> {
    const rows = await this.db.run(st, values, session);
    return rows[0] ? this.toEntity(rows[0]) : null;
  }
}
