import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import {
  OperationEntity,
  type OperationAttempt,
  type OperationStatus,
} from '../entities/operation.entity';

export interface NewOperation {
  clientId: string;
  kind: string;
  provider: string | null;
  reference: string | null;
  idempotencyKey: string | null;
  requestHash: string;
  requestId: string | null;
  /** Plain JSON (src/operations/commands.ts). */
  command: object;
  expiresAt: Date | null;
}

/** How an attempt ended, as stored on the operation row. */
export interface OperationFinal {
  status: Extract<OperationStatus, 'succeeded' | 'failed'>;
  /** The HTTP status a sync call answers (and a replay repeats). */
  responseStatus: number;
  /** The answer body (the resource, the batch answer, or the problem). */
  result: unknown;
  /** The problem body of a failure. */
  lastError: unknown;
  /** Frees the Idempotency-Key, so the caller may retry with it (transient failures). */
  releaseKey: boolean;
  attempt: OperationAttempt;
}

/** The operation ledger's SQL: every mutating call has a row before anything is sent upstream. */
@Injectable()
export class OperationsRepository {
  private readonly repo: Repository<OperationEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(OperationEntity);
  }

  /**
   * Inserts a `running` operation (attempt 1) under a lease. With an idempotency key the insert
   * is conditional on the (client, key) pair being free: undefined means another holds it.
   */
  async insertRunning(init: NewOperation, leaseMs: number): Promise<OperationEntity | undefined> {
    const startedAt = new Date();
    const leaseExpiresAt = new Date(startedAt.getTime() + leaseMs);
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .into(OperationEntity)
      .values({ ...init, status: 'running', attempts: 1, startedAt, leaseExpiresAt })
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
      leaseExpiresAt,
      history: [],
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

  /**
   * Stores how an attempt ended: status, answer, error, the attempt appended to the history,
   * lease dropped. Pass the transaction's manager to commit it with the ledger rows it produced.
   */
  async finish(id: string, final: OperationFinal, em?: EntityManager): Promise<void> {
    await (em ?? this.dataSource.manager).query(
      `UPDATE operations SET status = $2, response_status = $3, result = $4, last_error = $5,
         idempotency_key = CASE WHEN $6 THEN NULL ELSE idempotency_key END,
         history = history || jsonb_build_array($7::jsonb),
         completed_at = now(), updated_at = now(), next_attempt_at = NULL, lease_expires_at = NULL
       WHERE id = $1`,
      [
        id,
        final.status,
        final.responseStatus,
        jsonParam(final.result),
        jsonParam(final.lastError),
        final.releaseKey,
        JSON.stringify(final.attempt),
      ],
    );
  }

  /**
   * Runs `work` and stores the operation's final state in one transaction: the ledger rows
   * `work` writes on the manager it is given commit together with the outcome, or not at all.
   */
  settle<T>(
    id: string,
    work: (em: EntityManager) => Promise<{ value: T; final: OperationFinal }>,
  ): Promise<T> {
    return this.dataSource.transaction(async (em) => {
      const { value, final } = await work(em);
      await this.finish(id, final, em);
      return value;
    });
  }

  /**
   * Ends a `running` operation whose lease has passed (its process died mid-call): `failed`,
   * its key freed, the lost attempt in the history. False when it was not abandoned after all.
   */
  async abandon(id: string, lastError: unknown): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE operations SET status = 'failed', response_status = 500, last_error = $2,
         idempotency_key = NULL, completed_at = now(), updated_at = now(), lease_expires_at = NULL,
         history = history || jsonb_build_array(jsonb_build_object(
           'attempt', attempts, 'at', to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'durationMs', (extract(epoch FROM now() - started_at) * 1000)::int, 'outcome', 'abandoned'))
       WHERE id = $1 AND status = 'running' AND lease_expires_at < now()
       RETURNING id`,
      [id, jsonParam(lastError)],
    );
    return rowsOf(rows).length === 1;
  }

  /** Frees an expired idempotency record's claim on its key. */
  async releaseExpiredKey(id: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ idempotencyKey: null })
      .where('id = :id AND expires_at <= now()', { id })
      .execute();
  }

  list(filter: { clientId?: string; status?: OperationStatus; limit: number; before?: Date }) {
    const qb = this.repo.createQueryBuilder('o');
    if (filter.clientId) qb.andWhere('o.client_id = :clientId', { clientId: filter.clientId });
    if (filter.status) qb.andWhere('o.status = :status', { status: filter.status });
    if (filter.before) qb.andWhere('o.created_at < :before', { before: filter.before });
    return qb.orderBy('o.created_at', 'DESC').limit(filter.limit).getMany();
  }
}

/** A value for a jsonb parameter (null stays SQL NULL). */
function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** `pg` answers an UPDATE ... RETURNING through TypeORM as [rows, count]. */
function rowsOf(result: unknown[]): unknown[] {
  return Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
}
