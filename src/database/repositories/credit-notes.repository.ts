import { Injectable } from '@nestjs/common';
import { redact } from '@lib/redaction';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { insertUnlessTaken } from './insert-unless-taken';
import { CreditNoteEntity } from '../entities/credit-note.entity';

export type NewCreditNote = Omit<CreditNoteEntity, 'id' | 'createdAt' | 'updatedAt'>;

/** The credit-note ledger's SQL: one credit note per invoice and provider. */
@Injectable()
export class CreditNotesRepository {
  private readonly repo: Repository<CreditNoteEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(CreditNoteEntity);
  }

  findById(id: string): Promise<CreditNoteEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  findByInvoice(provider: string, providerInvoiceId: string): Promise<CreditNoteEntity | null> {
    return this.repo.findOne({ where: { provider, providerInvoiceId } });
  }

  /**
   * Inserts a ledger row unless the invoice has a credit note: `inserted` false returns the
   * one it has (a concurrent create won). No unique violation escapes the transaction.
   */
  insertOrExisting(row: NewCreditNote, em: EntityManager) {
    const values = { ...row, upstreamResponse: redact(row.upstreamResponse) };
    return insertUnlessTaken(em, CreditNoteEntity, values, {
      provider: row.provider,
      providerInvoiceId: row.providerInvoiceId,
    });
  }
}
