import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { OperationEntity, OperationStatus } from '../database/entities/operation.entity';

export interface NewOperation {
  clientId: string;
  kind: string;
  provider: string | null;
  reference: string | null;
  idempotencyKey: string | null;
  requestHash: string;
  requestId: string | null;
  request: unknown;
  expiresAt: Date | null;
}

/** The operation ledger: every mutating call has a row before anything is sent upstream. */
@Injectable()
export class OperationsService {
  readonly repo: Repository<OperationEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(OperationEntity);
  }

  /**
   * Inserts a running operation. With an idempotency key the insert is conditional on the
   * (client, key) pair being free: undefined means another operation holds the key.
   */
  async start(init: NewOperation): Promise<OperationEntity | undefined> {
    const startedAt = new Date();
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .into(OperationEntity)
      .values({
        ...init,
        request: init.request as object,
        status: 'running',
        attempts: 1,
        startedAt,
      })
      .orIgnore()
      .returning(['id', 'createdAt'])
      .execute();
    const row = (result.raw as { id: string; created_at: Date }[])[0];
    if (!row) return undefined;
    return Object.assign(new OperationEntity(), init, {
      id: row.id,
      status: 'running' as const,
      attempts: 1,
      startedAt,
      createdAt: row.created_at,
      updatedAt: row.created_at,
      completedAt: null,
      nextAttemptAt: null,
      lastError: null,
      result: null,
      responseStatus: null,
      callbackUrl: null,
    });
  }

  findByKey(clientId: string, idempotencyKey: string): Promise<OperationEntity | null> {
    return this.repo.findOne({ where: { clientId, idempotencyKey } });
  }

  findById(id: string): Promise<OperationEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  async finish(
    id: string,
    status: Extract<OperationStatus, 'succeeded' | 'failed'>,
    responseStatus: number,
    result: unknown,
    lastError: unknown = null,
  ): Promise<void> {
    await this.repo.update(
      { id },
      {
        status,
        responseStatus,
        result: result as object,
        lastError: lastError as object,
        completedAt: new Date(),
        nextAttemptAt: null,
      },
    );
  }

  /**
   * Ends an operation whose outcome must not be replayed (a transient upstream failure): the
   * caller may retry with the same Idempotency-Key, so the key is released.
   */
  async failAndReleaseKey(id: string, responseStatus: number, lastError: unknown): Promise<void> {
    await this.repo.update(
      { id },
      {
        status: 'failed',
        responseStatus,
        lastError: lastError as object,
        idempotencyKey: null,
        completedAt: new Date(),
      },
    );
  }

  /** Removes an expired idempotency record's claim on its key. */
  async releaseExpiredKey(id: string): Promise<void> {
    await this.repo.update({ id }, { idempotencyKey: null });
  }

  async list(filter: {
    clientId?: string;
    status?: OperationStatus;
    limit: number;
    before?: Date;
  }) {
    const qb = this.repo.createQueryBuilder('o');
    if (filter.clientId) qb.andWhere('o.client_id = :clientId', { clientId: filter.clientId });
    if (filter.status) qb.andWhere('o.status = :status', { status: filter.status });
    if (filter.before) qb.andWhere('o.created_at < :before', { before: filter.before });
    return qb.orderBy('o.created_at', 'DESC').limit(filter.limit).getMany();
  }
}
