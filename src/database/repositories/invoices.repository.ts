import { Injectable } from '@nestjs/common';
import { redact } from '@lib/redaction';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { insertUnlessTaken } from './insert-unless-taken';
import { InvoiceEntity } from '../entities/invoice.entity';
import { entityMapper, execute, poolOf, type Queryable, statement } from '../sql';

export type NewInvoice = Omit<InvoiceEntity, 'id' | 'createdAt' | 'updatedAt'>;

const BY_REFERENCE = statement(
  'invoice_by_reference',
  'SELECT i.* FROM invoices i WHERE i.provider = $1 AND i.reference = $2',
);

/** The invoice ledger's SQL. Upstream answers are stored redacted, as audit rows are. */
@Injectable()
export class InvoicesRepository {
  private readonly repo: Repository<InvoiceEntity>;

  private readonly toEntity: (raw: Record<string, unknown>) => InvoiceEntity;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(InvoiceEntity);
    this.toEntity = entityMapper(dataSource, InvoiceEntity);
  }

  findById(id: string): Promise<InvoiceEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** On `session` when given (the connection holding the reference's lock), else the pool. */
  async findByReference(
    provider: string,
    reference: string,
    session?: Queryable,
  ): Promise<InvoiceEntity | null> {
    const rows = await execute(session ?? poolOf(this.dataSource), BY_REFERENCE, [
      provider,
      reference,
    ]);
    return rows[0] ? this.toEntity(rows[0]) : null;
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
