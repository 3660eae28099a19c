import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Db } from '../db';
import { CreditNoteEntity } from '../entities/credit-note.entity';
import { type Session, type Statement, insertUnlessTaken, statement } from '../sql';
import { redactedRow } from './invoices.repository';

export type NewCreditNote = Omit<
  CreditNoteEntity,
  'id' | 'createdAt' | 'updatedAt' | 'statusHistory'
>;

const BY_ID = statement('credit_note_by_id', 'SELECT c.* FROM credit_notes c WHERE c.id = $1');
const BY_INVOICE = statement(
  'credit_note_by_invoice',
  'SELECT c.* FROM credit_notes c WHERE c.connection = $1 AND c.provider_invoice_id = $2',
);

/** The credit-note ledger's SQL: one credit note per invoice and connection. */
@Injectable()
export class CreditNotesRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => CreditNoteEntity;
  private readonly insertRow: ReturnType<Db['insertOf']>;
  private readonly insert: Statement;

  constructor(private readonly db: Db) {
    this.toEntity = db.mapper(CreditNoteEntity);
    this.insertRow = db.insertOf(CreditNoteEntity);
    this.insert = insertUnlessTaken('credit_note_insert', this.insertRow);
  }

  async findById(id: string, session?: Session): Promise<CreditNoteEntity | null> {
    const rows = await this.db.run(BY_ID, [id], session);
    return rows[0] ? this.toEntity(rows[0]) : null;
  }

  /** The credit note of a connection's invoice `providerInvoiceId`, if it has one. */
  async findByInvoice(
    connection: string,
    providerInvoiceId: string,
    session?: Session,
  ): Promise<CreditNoteEntity | null> {
    const rows = await this.db.run(BY_INVOICE, [connection, providerInvoiceId], session);
    return rows[0] ? this.toEntity(rows[0]) : null;
  }

  /**
   * Inserts a ledger row unless the invoice has a credit note: `inserted` false returns the
   * one it has (a concurrent create won). No unique violation escapes the transaction.
   */
  async insertOrExisting(
    row: NewCreditNote,
    session: Session,
  ): Promise<{ inserted: boolean; row: CreditNoteEntity }> {
    const now = new Date();
    const full = redactedRow({ ...row, id: randomUUID(), createdAt: now, updatedAt: now });
    const rows = await this.db.run(this.insert, this.insertRow.values(full), session);
    if (rows[0]) return { inserted: true, row: this.toEntity(rows[0]) };
    const holder = await this.findByInvoice(row.connection, row.providerInvoiceId, session);
    if (!holder) throw new Error(`invoice ${row.providerInvoiceId} has a credit note of no row`);
    return { inserted: false, row: holder };
  }
}
