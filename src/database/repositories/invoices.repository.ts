import { Injectable } from '@nestjs/common';
import { redact } from '@lib/upstream-http';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { insertUnlessTaken } from './insert-unless-taken';
import { InvoiceEntity } from '../entities/invoice.entity';

export type NewInvoice = Omit<InvoiceEntity, 'id' | 'createdAt' | 'updatedAt'>;

/** The invoice ledger's SQL. Upstream answers are stored redacted, as audit rows are. */
@Injectable()
export class InvoicesRepository {
  private readonly repo: Repository<InvoiceEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(InvoiceEntity);
  }

  findById(id: string): Promise<InvoiceEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  findByReference(provider: string, reference: string, em?: EntityManager) {
    return this.on(em).findOne({ where: { provider, reference } });
  }

  findByProviderInvoiceId(provider: string, providerInvoiceId: string) {
    return this.repo.findOne({ where: { provider, providerInvoiceId } });
  }

  list(filter: { provider?: string; reference?: string; limit: number }) {
    return this.repo.find({
      where: {
        ...(filter.provider ? { provider: filter.provider } : {}),
        ...(filter.reference ? { reference: filter.reference } : {}),
      },
      order: { createdAt: 'DESC' },
      take: filter.limit,
    });
  }

  /**
   * Inserts a ledger row unless (provider, reference) is taken: `inserted` false returns the
   * row that holds the reference (a concurrent create won). No unique violation escapes, so
   * the transaction stays usable.
   */
  insertOrExisting(row: NewInvoice, em: EntityManager) {
    const values = { ...row, upstreamResponse: redact(row.upstreamResponse) };
    return insertUnlessTaken(em, InvoiceEntity, values, {
      provider: row.provider,
      reference: row.reference,
    });
  }

  /** Saves an updated ledger row (the upstream answer redacted). */
  save(row: InvoiceEntity, em: EntityManager): Promise<InvoiceEntity> {
    row.upstreamResponse = redact(row.upstreamResponse);
    return this.on(em).save(row);
  }

  private on(em?: EntityManager): Repository<InvoiceEntity> {
    return em ? em.getRepository(InvoiceEntity) : this.repo;
  }
}
